namespace Pipeline.Api.Chat;

/// <summary>Who is asking, as far as flag bucketing is concerned (docs/api.md §1 headers).</summary>
public sealed record CallerIdentity(string? UserId, string? UserGroup, string? SessionId)
{
    public const string UserIdHeader = "X-User-Id";
    public const string UserGroupHeader = "X-User-Group";
    public const string SessionIdHeader = "X-Session-Id";

    /// <summary>User id, else session id, else a fresh id for this request alone.</summary>
    public string BucketingKey(Guid requestId) =>
        !string.IsNullOrWhiteSpace(UserId) ? UserId!
        : !string.IsNullOrWhiteSpace(SessionId) ? SessionId!
        : requestId.ToString("N");

    public static CallerIdentity FromHeaders(IHeaderDictionary headers) => new(
        Normalize(headers[UserIdHeader]),
        Normalize(headers[UserGroupHeader]),
        Normalize(headers[SessionIdHeader]));

    private static string? Normalize(Microsoft.Extensions.Primitives.StringValues value)
    {
        var text = value.ToString().Trim();
        return text.Length == 0 ? null : text;
    }
}
