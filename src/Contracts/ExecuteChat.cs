namespace Pipeline.Contracts;

/// <summary>Command to one pipeline's workers to answer a request.</summary>
/// <param name="Attempt">Distinguishes a fallback run from the first one so stale tokens can be discarded.</param>
/// <param name="Question">What was asked, and by whom (for flag evaluation).</param>
/// <param name="Execution">How this run is carried out: served or shadow, deadline, replay, step flags.</param>
/// <param name="Caller">Where the caller is; null for shadow and replayed runs, which reach nobody.</param>
public sealed record ExecuteChat(
    Guid RequestId,
    Guid ConversationId,
    ChatPipeline Pipeline,
    int Attempt,
    ChatQuestion Question,
    ExecutionSettings Execution,
    StreamTarget? Caller);

/// <summary>A caller's question and what its flags are evaluated for.</summary>
/// <param name="BucketingKey">User id, else session id, else a fresh id: what flag buckets are computed from.</param>
public sealed record ChatQuestion(
    string Message,
    bool WebSearchEnabled,
    string? UserId,
    string? UserGroup,
    string BucketingKey);

/// <summary>How one execution of a request runs.</summary>
/// <param name="Shadow">True when the answer is only compared, never served: no history, no cache writes, no caller events.</param>
/// <param name="Deadline">After it the worker reports the run failed without running it: nobody waits any more.</param>
/// <param name="Mode">How the request was routed; the served execution tells the caller with its answer.</param>
/// <param name="Fallback">True for the legacy run that replaces a failed or late workflow run.</param>
/// <param name="Sample">Distinguishes a second run of the same pipeline (the noise-floor sample) from the first.</param>
/// <param name="WorkflowSteps">The workflow step flags on for this run, every other one off (experiments); null: the flags decide.</param>
public sealed record ExecutionSettings(
    bool Shadow,
    DateTime Deadline,
    RoutingMode Mode = RoutingMode.Disabled,
    bool Fallback = false,
    Guid? ReplayId = null,
    int Sample = 0,
    IReadOnlyList<string>? WorkflowSteps = null);

/// <summary>The API instance holding the caller, which the served execution answers directly.</summary>
/// <param name="StreamTokens">False when the caller waits for the whole answer (JSON): it gets the answer in one message and no pieces.</param>
public sealed record StreamTarget(Uri Address, bool StreamTokens);
