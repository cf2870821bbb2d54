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
/// for admin keys.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiKeyOptions> keys,
    DashboardSessions sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
            return Task.FromResult(FromCookie());
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.Fail("Only bearer keys are accepted."));

        var presented = header[BearerPrefix.Length..].Trim();
        var role = Matches(presented, keys.Value.AdminKeys) ? AdminPolicy.Role
            : Matches(presented, keys.Value.UserKeys) ? AdminPolicy.UserRole
            : null;
        if (role is null)
            return Task.FromResult(AuthenticateResult.Fail("Unknown key."));

        return Task.FromResult(Success(role));
    }

    private AuthenticateResult FromCookie()
    {
        if (!Request.Cookies.TryGetValue(DashboardCookie.Name, out var ticket) || string.IsNullOrEmpty(ticket))
            return AuthenticateResult.NoResult();
        return sessions.IsValid(ticket) ? Success(AdminPolicy.Role) : AuthenticateResult.Fail("Unknown or expired dashboard session.");
    }

    private static AuthenticateResult Success(string role)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, role == AdminPolicy.Role ? "admin" : "user"), new Claim(ClaimTypes.Role, role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

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
