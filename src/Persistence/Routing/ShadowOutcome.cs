namespace Pipeline.Persistence.Routing;

/// <summary>What became of a request's shadow execution; a shadow answer that never comes is recorded, not dropped.</summary>
public enum ShadowOutcome
{
    None,
    Pending,
    Completed,
    Failed,
    Missing,
}
