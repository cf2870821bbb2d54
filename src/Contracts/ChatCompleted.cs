namespace Pipeline.Contracts;

/// <summary>A pipeline finished answering (one execution of <see cref="ExecuteChat"/>).</summary>
/// <param name="TokenCount">How many <see cref="ChatTokenStreamed"/> pieces were sent for this attempt.</param>
public sealed record ChatCompleted(
    Guid RequestId,
    Guid ConversationId,
    ChatPipeline Pipeline,
    bool Shadow,
    int Attempt,
    ChatAnswer Answer,
    int TokenCount,
    Guid? ReplayId = null,
    int Sample = 0);
