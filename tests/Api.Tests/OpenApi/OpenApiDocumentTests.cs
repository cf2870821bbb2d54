using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Pipeline.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is the API's reference: every route the app maps (enumerated from its own
/// <see cref="EndpointDataSource"/>, so a route added later is checked without editing this test) appears in it with
/// each of its methods. Left out on purpose: the SignalR hub (not an HTTP API; docs/api.md describes it) and routes
/// marked excluded from description (the dashboard's HTML pages, the document itself).
/// </summary>
public sealed class OpenApiDocumentTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Every_mapped_route_appears_in_the_document_with_its_methods()
    {
        using var document = await DocumentAsync();
        var paths = document.RootElement.GetProperty("paths");
        var described = paths.EnumerateObject().ToDictionary(p => Normalize(p.Name), p => p.Value, StringComparer.OrdinalIgnoreCase);
        var routes = DescribableRoutes();
        var missing = new List<string>();

        foreach (var (method, path) in routes)
        {
            if (!described.TryGetValue(path, out var item))
                missing.Add($"{method} {path}: no path");
            else if (!item.TryGetProperty(method.ToLowerInvariant(), out _))
                missing.Add($"{method} {path}: path without this method");
        }

        Assert.True(routes.Count >= 25, $"only {routes.Count} routes were found: {string.Join(", ", routes)}");
        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public async Task The_document_holds_the_request_response_and_problem_schemas()
    {
        using var document = await DocumentAsync();
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { "ChatRequestBody", "ChatResult", "ChatResultSource", "FlagView", "FlagWriteBody", "ComparisonResponse",
                     "RolloutView", "ReplayRequestBody", "EvalReviewBody", "DocumentUpload", "ProblemDetails", "HttpValidationProblemDetails" })
            Assert.True(schemas.TryGetProperty(name, out _), $"schema {name} is missing");

        var chatResult = schemas.GetProperty("ChatResult").GetProperty("properties");
        foreach (var field in new[] { "requestId", "conversationId", "text", "citations", "sources", "poweredBy", "mode", "fallback", "usage" })
            Assert.True(chatResult.TryGetProperty(field, out _), $"ChatResult has no {field}");
    }

    [Theory]
    [InlineData("/api/chat", "post", "ChatRequestBody", true)]
    [InlineData("/api/flags/{name}", "put", "FlagWriteBody", true)]
    [InlineData("/api/flags/{name}/kill", "post", "FlagKillBody", false)]
    [InlineData("/api/evals/{id}/review", "post", "EvalReviewBody", true)]
    public async Task Json_bodies_are_documented_with_their_schema_and_whether_they_are_required(string path, string method, string schema, bool required)
    {
        using var document = await DocumentAsync();
        var body = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("requestBody");

        Assert.Equal($"#/components/schemas/{schema}", body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(required, body.TryGetProperty("required", out var flag) && flag.GetBoolean());
    }

    [Fact]
    public async Task Operator_routes_declare_the_bearer_key_and_their_problem_responses()
    {
        using var document = await DocumentAsync();
        var root = document.RootElement;
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());

        var patch = root.GetProperty("paths").GetProperty("/api/flags/{name}").GetProperty("patch");
        Assert.True(patch.TryGetProperty("security", out _), "PATCH /api/flags/{name} declares no security");
        var responses = patch.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "403", "404", "409", "503" })
            Assert.True(responses.TryGetProperty(status, out _), $"PATCH /api/flags/{{name}} does not declare {status}");
        Assert.True(responses.GetProperty("409").GetProperty("content").TryGetProperty("application/problem+json", out _), "409 is not a problem response");
    }

    [Fact]
    public async Task Chat_declares_the_json_answer_the_event_stream_and_its_problems()
    {
        using var document = await DocumentAsync();
        var chat = document.RootElement.GetProperty("paths").GetProperty("/api/chat").GetProperty("post");
        Assert.False(chat.TryGetProperty("security", out _), "chat must not require the admin key");
        var ok = chat.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(ok.TryGetProperty("application/json", out _), "no JSON answer");
        var events = ok.GetProperty("text/event-stream").GetProperty("schema").GetProperty("oneOf");
        Assert.Equal(["#/components/schemas/RoutedEvent", "#/components/schemas/TokenEvent", "#/components/schemas/ResetEvent",
                "#/components/schemas/DoneEvent", "#/components/schemas/ErrorEvent"],
            events.EnumerateArray().Select(e => e.GetProperty("$ref").GetString()));
        foreach (var status in new[] { "400", "413", "429", "503", "504" })
            Assert.True(chat.GetProperty("responses").TryGetProperty(status, out _), $"chat does not declare {status}");
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        using var anonymous = api.Client(key: null);
        using var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private List<(string Method, string Path)> DescribableRoutes()
    {
        var source = api.App.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HubMetadata>() is null)
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get]).Select(m => (m, Template(e.RoutePattern))))
            .Distinct()
            .ToList();
    }

    /// <summary>The pattern as OpenAPI writes it: parameters without their constraints.</summary>
    private static string Template(RoutePattern pattern) => Normalize("/" + string.Join("/", pattern.PathSegments.Select(segment =>
        string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => throw new InvalidOperationException($"Unexpected route part in {pattern.RawText}"),
        })))));

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
