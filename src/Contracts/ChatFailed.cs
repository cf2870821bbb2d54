namespace Pipeline.Contracts;

/// <summary>A pipeline execution, or a whole request, failed.</summary>
/// <param name="Pipeline">The pipeline that failed; null when the request as a whole failed (deadline, routing).</param>
/// <param name="WorkflowSteps">The workflow step flags on in the failed workflow run; null for legacy or a run that never started.</param>
/// <param name="Status">The HTTP-like status a caller sees (500 failure, 504 deadline).</param>
public sealed record ChatFailed(
    Guid RequestId,
    ChatPipeline? Pipeline,
    bool Shadow,
    int Attempt,
    int Status,
    string Title,
    string? Detail,
    Guid? ReplayId = null,
    int Sample = 0,
    IReadOnlyList<string>? WorkflowSteps = null);
