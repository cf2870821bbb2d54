namespace Pipeline.Contracts;

/// <summary>The saga decided which pipeline serves a request (again, with <paramref name="Fallback"/>, when it falls back).</summary>
/// <param name="Attempt">The attempt whose tokens the caller should now show; a fallback starts a new one.</param>
public sealed record ChatRouted(
    Guid RequestId,
    Guid ConversationId,
    ChatPipeline PoweredBy,
    RoutingMode Mode,
    int Attempt,
    bool Fallback,
    string? Reason,
    Guid? ReplayId = null);
