
namespace Pipeline.Api.Replays;

/// <summary>Where a replay stands: requests re-published, finished, and failed among them.</summary>
internal sealed record ReplayProgress(
    Guid Id, string Status, int Total, int Done, int Failed, DateTime From, DateTime To, string Flag, DateTime CreatedAt, string CreatedBy)
{
    public const string Running = "running";
    public const string Completed = "completed";
}
