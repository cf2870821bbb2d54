namespace Pipeline.Api.Chat;

/// <summary>What became of a submitted chat request.</summary>
public abstract record ChatSubmission;

/// <summary>Accepted: the session will receive the request's events.</summary>
public sealed record ChatAccepted(CallerSession Session) : ChatSubmission;

/// <summary>Rejected for bad input; nothing was written or published.</summary>
public sealed record ChatRejected(IDictionary<string, string[]> Errors) : ChatSubmission;

/// <summary>The caller's chosen request id was already taken; nothing was written or published.</summary>
public sealed record ChatRequestIdTaken(Guid RequestId) : ChatSubmission
{
    public const string Title = "Request id already used";

    public string Detail => $"A request '{RequestId}' was already accepted; fetch its answer at {ChatAnswerEndpoints.PathOf(RequestId)}.";
}

/// <summary>The conversation belongs to another caller (or so it must look to this one); nothing was written or published.</summary>
public sealed record ChatConversationNotFound(Guid ConversationId) : ChatSubmission
{
    public const string Title = "Conversation not found";

    public string Detail => $"There is no conversation '{ConversationId}' for this caller.";
}
