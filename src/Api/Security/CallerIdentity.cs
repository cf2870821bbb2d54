using System.Security.Claims;

namespace Pipeline.Api.Security;

/// <summary>
/// Who is asking: the flag-bucketing headers (docs/api.md §1 headers) and, when the caller presented an API key, the
/// key's identity. <see cref="Owner"/> is whose conversations the caller may continue.
/// </summary>
public sealed record CallerIdentity(string? UserId, string? UserGroup, string? SessionId, string? KeyIdentity = null)
{
    public const string UserIdHeader = "X-User-Id";
    public const string UserGroupHeader = "X-User-Group";
    public const string SessionIdHeader = "X-Session-Id";

    /// <summary>The width of the columns these values are stored in (chat_requests, chat_routing_state).</summary>
    public const int MaxHeaderLength = 256;

    public const string AnonymousOwner = "anonymous";

    /// <summary>User id, else session id, else a fresh id for this request alone.</summary>
    public string BucketingKey(Guid requestId) =>
        !string.IsNullOrWhiteSpace(UserId) ? UserId!
        : !string.IsNullOrWhiteSpace(SessionId) ? SessionId!
        : requestId.ToString("N");

    /// <summary>
    /// The identity a conversation started by this caller belongs to: the key's when one was presented (a key is
    /// proof), else what the caller declares (a user id, else a session id), else anonymous, where the conversation's
    /// unguessable id is all that guards it.
    /// </summary>
    public string Owner =>
        KeyIdentity ?? (UserId is not null ? "user:" + UserId : SessionId is not null ? "session:" + SessionId : AnonymousOwner);

    public static CallerIdentity FromHeaders(IHeaderDictionary headers) => new(
        Normalize(headers[UserIdHeader]),
        Normalize(headers[UserGroupHeader]),
        Normalize(headers[SessionIdHeader]));

    /// <summary>The headers plus the authenticated key's identity (<see cref="ApiKeyAuthenticationHandler"/>).</summary>
    public static CallerIdentity FromHttp(HttpContext http) =>
        FromHeaders(http.Request.Headers) with { KeyIdentity = KeyIdentityOf(http.User) };

    public static string? KeyIdentityOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    /// <summary>Every identity header that is too long or holds control characters, named, before anything stores it.</summary>
    public static Dictionary<string, string[]> Validate(IHeaderDictionary headers)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var name in new[] { UserIdHeader, SessionIdHeader, UserGroupHeader })
        {
            var value = headers[name].ToString().Trim();
            if (value.Length > MaxHeaderLength)
                errors[name] = [$"{name} must be at most {MaxHeaderLength} characters; it has {value.Length}."];
            else if (value.Any(char.IsControl))
                errors[name] = [$"{name} must not contain control characters."];
        }

        return errors;
    }

    private static string? Normalize(Microsoft.Extensions.Primitives.StringValues value)
    {
        var text = value.ToString().Trim();
        return text.Length == 0 ? null : text;
    }
}
