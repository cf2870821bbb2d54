using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Security;

/// <summary>One signed-in dashboard session, as its ticket names it.</summary>
public sealed record DashboardSession(Guid Id, string KeyDigest, DateTimeOffset ExpiresAt)
{
    /// <summary>The caller identity of the admin key the session was opened with, as a bearer caller of that key gets it.</summary>
    public string KeyIdentity => ApiKeyAuthenticationHandler.KeyIdentityOfDigest(KeyDigest);
}

/// <summary>
/// Issues and reads the dashboard's session tickets: the cookie holds a data-protected, time-limited ticket naming
/// the session (so logging out can end it everywhere, see <see cref="DashboardSignOuts"/>) and the admin key by its
/// SHA-256 digest, never the key itself. A ticket is honoured only while it has not expired and its key is still
/// configured, so removing a key from <c>Admin:ApiKeys</c> ends its sessions too.
/// </summary>
public sealed class DashboardSessions(IDataProtectionProvider protection, IOptions<ApiKeyOptions> keys, IOptions<DashboardSessionOptions> options)
{
    private const string Purpose = "Pipeline.Api.DashboardSession.v2";
    private const char Separator = '.';
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>A ticket for a new session of a key already checked to be an admin key.</summary>
    public string Issue(string adminKey) =>
        _protector.Protect($"{Guid.NewGuid():N}{Separator}{Digest(adminKey)}", options.Value.Lifetime);

    /// <summary>Whether the ticket is genuine, unexpired and names an admin key that is still configured.</summary>
    public bool IsValid(string ticket) => Read(ticket) is not null;

    /// <summary>The session a genuine, unexpired ticket of a still-configured admin key names; else null.</summary>
    public DashboardSession? Read(string ticket)
    {
        string payload;
        DateTimeOffset expiresAt;
        try
        {
            payload = _protector.Unprotect(ticket, out expiresAt);
        }
        catch (CryptographicException)
        {
            // Forged, tampered with, expired, or protected by a key ring this instance does not have.
            return null;
        }

        var parts = payload.Split(Separator);
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var id))
            return null;
        return ApiKeyAuthenticationHandler.Matches(parts[1], keys.Value.AdminKeys.Select(Digest))
            ? new DashboardSession(id, parts[1], expiresAt)
            : null;
    }

    internal static string Digest(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
