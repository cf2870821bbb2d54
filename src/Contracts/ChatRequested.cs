namespace Pipeline.Contracts;

/// <summary>A caller asked a question; the routing saga takes it from here.</summary>
/// <param name="CallerAddress">Address of the API instance holding the caller; null for replayed requests that reach no caller.</param>
/// <param name="BucketingKey">User id, else session id, else a fresh id: what flag buckets are computed from.</param>
/// <param name="ReplayId">Set when an operator replays archived traffic; such runs have no user-visible effects.</param>
/// <param name="StreamTokens">False when the caller waits for the whole answer (JSON): no token pieces are sent to it.</param>
/// <param name="WorkflowSteps">Set by experiments (with a replay id): the workflow step flags on for this request, every other one off; null: the flags decide.</param>
/// <param name="Dispatched">True when an API sent the legacy execution itself beside this message: the saga records the route and sends nothing. The API writes a dispatched request's saga record instead of announcing it; the saga still takes this form, so that requests from an API instance of the release before are recorded during a rolling deploy.</param>
public sealed record ChatRequested(
    Guid RequestId,
    Guid ConversationId,
    string Message,
    bool WebSearchEnabled,
    string? UserId,
    string? UserGroup,
    string BucketingKey,
    Uri? CallerAddress,
    DateTime RequestedAt,
    Guid? ReplayId = null,
    bool StreamTokens = true,
    IReadOnlyList<string>? WorkflowSteps = null,
    bool Dispatched = false);
