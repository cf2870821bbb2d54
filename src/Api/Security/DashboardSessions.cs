using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Security;

/// <summary>
/// Issues and reads the dashboard's session tickets: the cookie holds a data-protected, time-limited ticket naming
/// the admin key by its SHA-256 digest, never the key itself. A ticket is honoured only while it has not expired and
/// its key is still configured, so removing a key from <c>Admin:ApiKeys</c> ends its sessions too.
/// </summary>
public sealed class DashboardSessions(IDataProtectionProvider protection, IOptions<ApiKeyOptions> keys, IOptions<DashboardSessionOptions> options)
{
    private const string Purpose = "Pipeline.Api.DashboardSession.v1";
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>A ticket for a key already checked to be an admin key.</summary>
    public string Issue(string adminKey) => _protector.Protect(Digest(adminKey), options.Value.Lifetime);

    /// <summary>Whether the ticket is genuine, unexpired and names an admin key that is still configured.</summary>
    public bool IsValid(string ticket)
    {
        string digest;
        try
        {
            digest = _protector.Unprotect(ticket);
        }
        catch (CryptographicException)
        {
            // Forged, tampered with, expired, or protected by a key ring this instance does not have.
            return false;
        }

        return ApiKeyAuthenticationHandler.Matches(digest, keys.Value.AdminKeys.Select(Digest));
    }

    private static string Digest(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
