using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Pipeline.Api.OpenApi;

/// <summary>
/// Adds the routes that middleware serves rather than a route handler (health checks, the Prometheus scrape), which the
/// document generator cannot see: each is described only when the app maps it.
/// </summary>
internal sealed class FrameworkEndpointsTransformer(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public const string HealthTag = "Health";

    private sealed record Described(string Summary, string Description, string ContentType, bool MayBeUnavailable);

    private static readonly Dictionary<string, Described> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/health/live"] = new("Liveness", "The process runs: always `Healthy` while it can answer.", "text/plain", false),
        ["/health/ready"] = new("Readiness", "`Healthy` when the database and the broker are reachable, else 503 `Unhealthy`.", "text/plain", true),
        ["/metrics"] = new("Prometheus scrape", "OpenTelemetry metrics in the Prometheus text format (absent when Telemetry:Enabled is false).",
            "text/plain; version=0.0.4", false),
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = HealthTag, Description = "Probes and the metrics scrape." });
        var mapped = endpoints.Endpoints.OfType<RouteEndpoint>().Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, described) in Known.Where(k => mapped.Contains(k.Key)))
        {
            var responses = new OpenApiResponses { ["200"] = Text("OK", described.ContentType) };
            if (described.MayBeUnavailable)
                responses["503"] = Text("A dependency is down.", described.ContentType);
            document.Paths[path] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Get] = new()
                    {
                        Summary = described.Summary,
                        Description = described.Description,
                        Tags = new HashSet<OpenApiTagReference> { new(HealthTag, document) },
                        Responses = responses,
                    },
                },
            };
        }

        return Task.CompletedTask;
    }

    private static OpenApiResponse Text(string description, string contentType) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
    };
}
