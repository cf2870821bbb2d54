namespace Pipeline.Contracts;

/// <summary>The saga decided which pipeline serves a request (again, with <paramref name="Fallback"/>, when it falls back).</summary>
public sealed record ChatRouted(
    Guid RequestId,
    Guid ConversationId,
    ChatPipeline PoweredBy,
    RoutingMode Mode,
    bool Fallback,
    string? Reason,
    Guid? ReplayId = null);
