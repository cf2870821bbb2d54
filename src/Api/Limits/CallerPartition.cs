using System.Security.Cryptography;
using System.Text;
using Pipeline.Api.Chat;

namespace Pipeline.Api.Limits;

/// <summary>
/// Whose budget a request spends: a known API key's, else the declared user id's, else the remote address's.
/// Unknown keys do not get their own partition, so inventing keys buys no extra permits.
/// </summary>
public static class CallerPartition
{
    public static string Of(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true)
            return "key:" + Fingerprint(http.Request.Headers.Authorization.ToString());

        var userId = http.Request.Headers[CallerIdentity.UserIdHeader].ToString().Trim();
        if (userId.Length > 0)
            return "user:" + userId;

        return "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    // The key itself must not sit in memory as a dictionary key longer than the request does.
    private static string Fingerprint(string header) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header)), 0, 16);
}
