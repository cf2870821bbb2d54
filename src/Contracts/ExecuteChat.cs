namespace Pipeline.Contracts;

/// <summary>Command to one pipeline's workers to answer a request.</summary>
/// <param name="Shadow">True when the answer is only compared, never served: no history, no cache writes, no caller events.</param>
/// <param name="Attempt">Distinguishes a fallback run from the first one so stale tokens can be discarded.</param>
/// <param name="StreamAddress">Where the caller is: its answer goes there, and its token pieces when <paramref name="StreamTokens"/>; null for shadow and replayed runs.</param>
/// <param name="Sample">Distinguishes a second run of the same pipeline (the noise-floor sample) from the first.</param>
/// <param name="Mode">How the request was routed; the served execution tells the caller with its answer.</param>
/// <param name="Fallback">True for the legacy run that replaces a failed or late workflow run.</param>
/// <param name="StreamTokens">False when the caller waits for the whole answer: the answer goes to <paramref name="StreamAddress"/> in one message.</param>
/// <param name="WorkflowSteps">The workflow step flags on for this run, every other one off (experiments); null: the flags decide.</param>
public sealed record ExecuteChat(
    Guid RequestId,
    Guid ConversationId,
    ChatPipeline Pipeline,
    bool Shadow,
    int Attempt,
    string Message,
    bool WebSearchEnabled,
    string? UserId,
    string? UserGroup,
    string BucketingKey,
    Uri? StreamAddress,
    DateTime Deadline,
    Guid? ReplayId = null,
    int Sample = 0,
    RoutingMode Mode = RoutingMode.Disabled,
    bool Fallback = false,
    bool StreamTokens = true,
    IReadOnlyList<string>? WorkflowSteps = null);
