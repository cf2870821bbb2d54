namespace Pipeline.Contracts;

/// <summary>A pipeline finished answering (one execution of <see cref="ExecuteChat"/>).</summary>
/// <param name="TokenCount">How many <see cref="ChatTokenStreamed"/> pieces were sent for this attempt.</param>
/// <param name="WorkflowSteps">The workflow step flags on in this run (a step flag rollout splits requests by them); null for legacy.</param>
public sealed record ChatCompleted(
    Guid RequestId,
    Guid ConversationId,
    ChatPipeline Pipeline,
    bool Shadow,
    int Attempt,
    ChatAnswer Answer,
    int TokenCount,
    Guid? ReplayId = null,
    int Sample = 0,
    IReadOnlyList<string>? WorkflowSteps = null);
