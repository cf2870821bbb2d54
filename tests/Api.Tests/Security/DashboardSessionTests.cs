using Pipeline.ServiceDefaults;
using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Pipeline.Api.Hosting;
using Pipeline.Api.Security;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Api.Tests.Security;

/// <summary>The dashboard's cookie is a session ticket, not the admin key: it expires, it names a key that must still be configured, and it cannot be forged.</summary>
public sealed class DashboardSessionTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Signing_in_sets_a_ticket_that_is_not_the_key_and_opens_the_admin_api_until_tampered_with()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = api.Address };
        var login = await http.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = ApiHost.AdminKey }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DashboardCookie.Name + "=", StringComparison.Ordinal));
        var ticket = setCookie[(DashboardCookie.Name.Length + 1)..].Split(';')[0];
        Assert.DoesNotContain(ApiHost.AdminKey, Uri.UnescapeDataString(ticket), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await GetFlagsWithCookieAsync(http, ticket)).StatusCode);
        var tampered = ticket[..^2] + (ticket[^2] == 'A' ? "B" : "A") + ticket[^1];
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetFlagsWithCookieAsync(http, tampered)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetFlagsWithCookieAsync(http, ApiHost.AdminKey)).StatusCode);
    }

    [Fact]
    public async Task A_cookie_saved_before_logout_no_longer_works()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = api.Address };
        var login = await http.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = ApiHost.AdminKey }));
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DashboardCookie.Name + "=", StringComparison.Ordinal));
        var saved = setCookie[(DashboardCookie.Name.Length + 1)..].Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, (await GetFlagsWithCookieAsync(http, saved)).StatusCode);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/dashboard/logout");
        logout.Headers.Add("Cookie", $"{DashboardCookie.Name}={saved}");
        var loggedOut = await http.SendAsync(logout);

        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetFlagsWithCookieAsync(http, saved)).StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_are_ignored_when_no_proxy_is_configured()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = api.Address };

        var login = await DashboardSignInTests.SignInAsync(http, ApiHost.AdminKey, forwardedFor: "198.51.100.2", forwardedProto: "https");

        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DashboardCookie.Name + "=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_admin_key_shorter_than_24_characters_stops_the_api_at_start_up()
    {
        var settings = api.HostSettings();
        settings["Admin:ApiKeys:0"] = "short-admin-key-23-char";

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestHosts.StartWebAsync(settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!));

        Assert.Contains("24", failure.Message);
    }

    [Fact]
    public void A_ticket_ends_when_its_key_is_removed_from_the_configuration()
    {
        var protection = new EphemeralDataProtectionProvider();
        var before = Sessions(protection, ["retired-admin-key-0001", "current-admin-key-0001"], TimeSpan.FromHours(1));
        var after = Sessions(protection, ["current-admin-key-0001"], TimeSpan.FromHours(1));

        var retired = before.Issue("retired-admin-key-0001");
        var current = before.Issue("current-admin-key-0001");

        Assert.True(before.IsValid(retired));
        Assert.False(after.IsValid(retired));
        Assert.True(after.IsValid(current));
    }

    [Fact]
    public async Task A_ticket_ends_when_its_lifetime_has_passed()
    {
        var sessions = Sessions(new EphemeralDataProtectionProvider(), ["current-admin-key-0001"], TimeSpan.FromSeconds(1));
        var ticket = sessions.Issue("current-admin-key-0001");
        Assert.True(sessions.IsValid(ticket));

        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.False(sessions.IsValid(ticket));
    }

    private static DashboardSessions Sessions(IDataProtectionProvider protection, List<string> adminKeys, TimeSpan lifetime) =>
        new(protection, Options.Create(new ApiKeyOptions { AdminKeys = adminKeys }), Options.Create(new DashboardSessionOptions { Lifetime = lifetime }));

    private static Task<HttpResponseMessage> GetFlagsWithCookieAsync(HttpClient http, string ticket)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/flags");
        request.Headers.Add("Cookie", $"{DashboardCookie.Name}={ticket}");
        return http.SendAsync(request);
    }
}
