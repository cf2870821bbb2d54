namespace Pipeline.Infrastructure.Comparisons;

/// <summary>Scores old vs new results of one kind (whole chat answers, or a pipeline step's output).</summary>
public interface IResultComparer
{
    /// <summary>The result kind this comparer understands (<c>chat</c>, <c>analysis</c>, <c>retrieval</c>, …).</summary>
    string Kind { get; }

    Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken);
}
