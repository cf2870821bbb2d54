namespace Pipeline.Platform.Hosting;

/// <summary>Work a background loop repeats every interval, each run in a dependency scope of its own.</summary>
public interface IPeriodicJob
{
    /// <summary>One run; its effects are committed or rolled back by the run itself.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
