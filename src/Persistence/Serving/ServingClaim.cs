namespace Pipeline.Persistence.Serving;

/// <summary>
/// Who decided the fate of one attempt of a request: the worker that served its answer to the caller, or the routing
/// saga that gave up on it (fallback or deadline). The first to commit its row wins; the other learns it lost.
/// </summary>
public sealed class ServingClaim
{
    public Guid RequestId { get; set; }
    public int Attempt { get; set; }
    public string Outcome { get; set; } = "";
    public DateTime ClaimedAt { get; set; }
}
