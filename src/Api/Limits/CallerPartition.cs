using Pipeline.Api.Security;

namespace Pipeline.Api.Limits;

/// <summary>
/// Whose budget a request spends: an authenticated key's (its identity, however the header was spelt), else the
/// declared user id's, else the remote address's. Unknown keys do not get their own partition (they fail
/// authentication), so inventing keys buys no extra permits. A declared user id is not proof of anything, so every
/// anonymous request also spends its address's budget (<see cref="AddressOf"/>).
/// </summary>
internal static class CallerPartition
{
    public static string Of(HttpContext http)
    {
        if (CallerIdentity.KeyIdentityOf(http.User) is { } key)
            return key;

        var userId = http.Request.Headers[CallerIdentity.UserIdHeader].ToString().Trim();
        if (userId.Length > 0)
            return "user:" + userId;

        return AddressOf(http);
    }

    /// <summary>The address partition of an anonymous request; authenticated callers are bounded by their key alone (empty).</summary>
    public static string AnonymousAddressOf(HttpContext http) =>
        CallerIdentity.KeyIdentityOf(http.User) is null ? AddressOf(http) : "";

    private static string AddressOf(HttpContext http) => "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
