using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Security;
using Xunit;

namespace Pipeline.Api.Tests.Security;

/// <summary>
/// Hostile: a page on another port of the same host (same site, so SameSite=Strict lets the cookie through)
/// submitting forms and scripts at the operator routes of a signed-in dashboard. Invariant: every state-changing admin
/// route refuses a cookie-authenticated request without the dashboard's header or from another origin, with 403
/// ProblemDetails, and runs nothing; the dashboard's own requests and bearer callers are unaffected.
/// </summary>
public sealed class CrossSiteRequestTests(ApiHost api) : IClassFixture<ApiHost>
{
    private const string OtherOrigin = "http://127.0.0.1:1";

    [Fact]
    public async Task A_forged_form_post_to_the_kill_switch_is_refused_and_the_flag_keeps_its_state()
    {
        using var admin = api.Client();
        await EnsureEnabledFlagAsync(admin, "csrf-target");
        var ticket = await SignInAsync();
        using var http = api.Client(key: null);

        // What a hostile page's auto-submitted <form method=post> sends: the cookie, a form body, its own Origin.
        using var form = WithCookie(HttpMethod.Post, "/api/flags/csrf-target/kill", ticket);
        form.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "forged" });
        form.Headers.Add("Origin", OtherOrigin);
        using var forged = await http.SendAsync(form);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains(CrossSiteRequestGuard.Title, await forged.Content.ReadAsStringAsync());
        Assert.Equal("enabled", (await admin.GetFromJsonAsync<JsonElement>("/api/flags/csrf-target")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Every_state_changing_admin_route_refuses_a_cookie_request_without_the_dashboard_header()
    {
        var ticket = await SignInAsync();
        using var http = api.Client(key: null);
        var failures = new List<string>();

        var unsafeRoutes = AdminRouteEnumerationTests.AdminEndpoints(api.App.Services).Where(e => e.Method is not ("GET" or "HEAD")).ToList();
        foreach (var (method, path) in unsafeRoutes)
        {
            using var request = WithCookie(new HttpMethod(method), path, ticket);
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Forbidden)
                failures.Add($"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.True(unsafeRoutes.Count >= 8, $"only {unsafeRoutes.Count} state-changing admin routes were found");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task The_dashboard_header_from_another_origin_is_refused_and_from_its_own_origin_is_served()
    {
        using var admin = api.Client();
        await EnsureEnabledFlagAsync(admin, "csrf-origin");
        var ticket = await SignInAsync();
        using var http = api.Client(key: null);

        using var fromElsewhere = WithCookie(HttpMethod.Post, "/api/flags/csrf-origin/kill", ticket);
        fromElsewhere.Headers.Add(CrossSiteRequestGuard.HeaderName, CrossSiteRequestGuard.HeaderValue);
        fromElsewhere.Headers.Add("Origin", OtherOrigin);
        using var refused = await http.SendAsync(fromElsewhere);
        var stillEnabled = (await admin.GetFromJsonAsync<JsonElement>("/api/flags/csrf-origin")).GetProperty("status").GetString();

        using var fromDashboard = WithCookie(HttpMethod.Post, "/api/flags/csrf-origin/kill", ticket);
        fromDashboard.Headers.Add(CrossSiteRequestGuard.HeaderName, CrossSiteRequestGuard.HeaderValue);
        fromDashboard.Headers.Add("Origin", api.Address.GetLeftPart(UriPartial.Authority));
        using var served = await http.SendAsync(fromDashboard);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("enabled", stillEnabled);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task A_bearer_caller_needs_no_dashboard_header()
    {
        using var admin = api.Client();
        await EnsureEnabledFlagAsync(admin, "csrf-bearer");

        using var response = await admin.PostAsync("/api/flags/csrf-bearer/kill", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> SignInAsync()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = api.Address };
        var login = await http.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = ApiHost.AdminKey }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(DashboardCookie.Name + "=", StringComparison.Ordinal));
        return setCookie[(DashboardCookie.Name.Length + 1)..].Split(';')[0];
    }

    private static HttpRequestMessage WithCookie(HttpMethod method, string path, string ticket)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", $"{DashboardCookie.Name}={ticket}");
        return request;
    }

    private static async Task EnsureEnabledFlagAsync(HttpClient admin, string name)
    {
        var response = await admin.PutAsJsonAsync($"/api/flags/{name}", new { status = "enabled" });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"creating {name}: {response.StatusCode}");
    }
}
