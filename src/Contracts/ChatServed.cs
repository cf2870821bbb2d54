namespace Pipeline.Contracts;

/// <summary>The final answer for the caller, sent by the execution that served it: the pipeline's result and how it was routed.</summary>
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
