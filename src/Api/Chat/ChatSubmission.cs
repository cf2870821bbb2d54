namespace Pipeline.Api.Chat;

/// <summary>What became of a submitted chat request.</summary>
public abstract record ChatSubmission;

/// <summary>Accepted: the session will receive the request's events.</summary>
public sealed record ChatAccepted(CallerSession Session) : ChatSubmission;

/// <summary>Rejected for bad input; nothing was written or published.</summary>
public sealed record ChatRejected(IDictionary<string, string[]> Errors) : ChatSubmission;
