using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>: an admin key authenticates an operator, a user key a plain caller.
/// Keys are compared in constant time. No header means anonymous; an unknown key is a failed authentication (401).
/// Without a header, the dashboard's session cookie (<see cref="DashboardCookie"/>) is read instead: a browser cannot
/// send a bearer header on navigation. The cookie holds a session ticket (<see cref="DashboardSessions"/>) issued only
/// for admin keys, refused once its session was signed out (<see cref="DashboardSignOuts"/>).
/// Every authenticated caller carries its key's identity (<see cref="ClaimTypes.NameIdentifier"/>, the same whether
/// the key came as a header, however spelt, or through a session) and how it authenticated (<see cref="CredentialClaim"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiKeyOptions> keys,
    DashboardSessions sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string CredentialClaim = "pipeline:credential";
    public const string BearerCredential = "bearer";
    public const string CookieCredential = "cookie";
    private const string BearerScheme = "Bearer";
    private const int IdentityHexLength = 32;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString().Trim();
        if (string.IsNullOrEmpty(header))
            return await FromCookieAsync();
        if (!header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
            || header.Length == BearerScheme.Length || !char.IsWhiteSpace(header[BearerScheme.Length]))
            return AuthenticateResult.Fail("Only bearer keys are accepted.");

        var presented = header[BearerScheme.Length..].Trim();
        var role = Matches(presented, keys.Value.AdminKeys) ? AdminPolicy.Role
            : Matches(presented, keys.Value.UserKeys) ? AdminPolicy.UserRole
            : null;
        if (role is null)
            return AuthenticateResult.Fail("Unknown key.");

        return Success(role, KeyIdentityOfDigest(DashboardSessions.Digest(presented)), BearerCredential);
    }

    private async Task<AuthenticateResult> FromCookieAsync()
    {
        if (!Request.Cookies.TryGetValue(DashboardCookie.Name, out var ticket) || string.IsNullOrEmpty(ticket))
            return AuthenticateResult.NoResult();
        if (sessions.Read(ticket) is not { } session)
            return AuthenticateResult.Fail("Unknown or expired dashboard session.");
        var signOuts = Context.RequestServices.GetRequiredService<DashboardSignOuts>();
        if (await signOuts.IsSignedOutAsync(session.Id, Context.RequestAborted))
            return AuthenticateResult.Fail("The dashboard session was signed out.");
        return Success(AdminPolicy.Role, session.KeyIdentity, CookieCredential);
    }

    private static AuthenticateResult Success(string role, string keyIdentity, string credential)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, role == AdminPolicy.Role ? "admin" : "user"),
            new Claim(ClaimTypes.Role, role),
            new Claim(ClaimTypes.NameIdentifier, keyIdentity),
            new Claim(CredentialClaim, credential),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A key's identity: a prefix of its SHA-256 digest, so the key itself never sits in memory longer than the request.</summary>
    internal static string KeyIdentityOfDigest(string digest) => "key:" + digest[..IdentityHexLength];

    /// <summary>Whether <paramref name="presented"/> is one of <paramref name="candidates"/>, compared in constant time.</summary>
    internal static bool Matches(string presented, IEnumerable<string> candidates)
    {
        var given = Encoding.UTF8.GetBytes(presented);
        var match = false;
        foreach (var candidate in candidates)
            match |= CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(candidate));
        return match;
    }
}
