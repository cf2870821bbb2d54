using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Security;
using Xunit;

namespace Pipeline.Api.Tests.Security;

/// <summary>
/// Fault: callers without a credential, or with a non-admin one, on operator routes. Load: every admin endpoint the
/// app itself maps, enumerated from its <see cref="EndpointDataSource"/>, so a route added later is covered without
/// editing this test. Invariant: 401 without a key, 403 with a user key, for every one; none is reached.
/// </summary>
public sealed class AdminRouteEnumerationTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Every_admin_endpoint_answers_401_without_a_key_and_403_with_a_user_key()
    {
        var endpoints = AdminEndpoints();
        using var anonymous = api.Client(key: null);
        using var user = api.Client(ApiHost.UserKey);
        var failures = new List<string>();

        foreach (var (method, path) in endpoints)
        {
            var withoutKey = await SendAsync(anonymous, method, path);
            var withUserKey = await SendAsync(user, method, path);
            if (withoutKey != HttpStatusCode.Unauthorized)
                failures.Add($"{method} {path} without a key: {(int)withoutKey}");
            if (withUserKey != HttpStatusCode.Forbidden)
                failures.Add($"{method} {path} with a user key: {(int)withUserKey}");
        }

        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} admin endpoints were found: {string.Join(", ", endpoints)}");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task The_admin_key_reaches_the_enumerated_endpoints()
    {
        // Guards the test above: the filled-in paths must name real routes, or 401/403 could come from a 404 path.
        using var admin = api.Client();
        var failures = new List<string>();

        foreach (var (method, path) in AdminEndpoints())
        {
            var status = await SendAsync(admin, method, path);
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.MethodNotAllowed || (int)status >= 500)
                failures.Add($"{method} {path} with the admin key: {(int)status}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private List<(string Method, string Path)> AdminEndpoints() => AdminEndpoints(api.App.Services);

    /// <summary>Every admin endpoint the app maps, with a concrete path (shared with the cross-site request tests).</summary>
    internal static List<(string Method, string Path)> AdminEndpoints(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AdminPolicy.Name))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, Fill(e.RoutePattern))))
            .Distinct()
            .ToList();
    }

    /// <summary>A concrete path for a route pattern: plausible values that satisfy each parameter's constraints.</summary>
    private static string Fill(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Plausible(parameter),
                    _ => throw new InvalidOperationException($"Unexpected route part in {pattern.RawText}"),
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string Plausible(RoutePatternParameterPart parameter) =>
        parameter.ParameterPolicies.Any(p => p.Content == "guid") ? Guid.NewGuid().ToString()
        : parameter.Name switch
        {
            "name" => "workflow-complete",
            "queue" => "pipeline-legacy_error",
            _ => "x",
        };

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        // An empty object, never a valid write: the admin-key guard above must not change anything.
        if (method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent("{\"unknownField\":true}", Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
