namespace Pipeline.Contracts;

/// <summary>A served answer (or a shadow mismatch) picked for evaluation.</summary>
public sealed record ResultSampled(
    Guid RequestId,
    string Question,
    ChatPipeline Pipeline,
    ChatAnswer Answer,
    string Reason,
    Guid? ReplayId = null);
