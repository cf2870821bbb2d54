using System.Net;
using Pipeline.Api.Security;
using Xunit;

namespace Pipeline.Api.Tests.Security;

/// <summary>The API behind a TLS-terminating proxy on loopback, with a sign-in failure limit low enough to reach.</summary>
public sealed class ProxiedApiHost : ApiHost
{
    public const int SignInFailures = 3;

    protected override IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?>
    {
        ["Dashboard:Session:SignInFailureLimit"] = SignInFailures.ToString(),
        ["Dashboard:Session:SignInFailureWindow"] = "00:10:00",
        ["Proxy:KnownProxies:0"] = "127.0.0.1",
        ["Proxy:KnownProxies:1"] = "::1",
    };
}

/// <summary>
/// Hostile: someone guessing the admin key on the sign-in form; an operator signing in through a TLS-terminating
/// proxy. Invariant: past the failure limit an address gets 429 with Retry-After, even with the right key, while
/// other addresses sign in; behind a known proxy the session cookie is Secure; a client that is not a known proxy
/// cannot claim to be HTTPS.
/// </summary>
public sealed class DashboardSignInTests(ProxiedApiHost api) : IClassFixture<ProxiedApiHost>
{
    [Fact]
    public async Task Repeated_wrong_keys_from_one_address_are_throttled_with_429()
    {
        using var http = Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < ProxiedApiHost.SignInFailures; i++)
            statuses.Add((await SignInAsync(http, "wrong-key-" + i, forwardedFor: "203.0.113.7")).StatusCode);

        var throttled = await SignInAsync(http, "wrong-key-again", forwardedFor: "203.0.113.7");
        var rightKeyThrottled = await SignInAsync(http, ApiHost.AdminKey, forwardedFor: "203.0.113.7");
        var elsewhere = await SignInAsync(http, ApiHost.AdminKey, forwardedFor: "203.0.113.8");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightKeyThrottled.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Behind_a_known_tls_terminating_proxy_the_session_cookie_is_secure()
    {
        using var http = Client();

        var login = await SignInAsync(http, ApiHost.AdminKey, forwardedFor: "198.51.100.1", forwardedProto: "https");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DashboardCookie.Name + "=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = api.Address };

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string key, string forwardedFor, string? forwardedProto = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null)
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return await http.SendAsync(request);
    }
}
