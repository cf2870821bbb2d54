namespace Pipeline.Contracts;

/// <summary>The saga's final answer for the caller: the served pipeline's result and how it was chosen.</summary>
/// <param name="TokenCount">Pieces streamed for the served attempt; the receiver waits for them before <c>done</c>.</param>
public sealed record ChatServed(
    Guid RequestId,
    Guid ConversationId,
    ChatPipeline PoweredBy,
    RoutingMode Mode,
    bool Fallback,
    int Attempt,
    ChatAnswer Answer,
    int TokenCount);
