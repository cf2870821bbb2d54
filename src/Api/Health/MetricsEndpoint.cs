using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pipeline.Infrastructure.Telemetry;

namespace Pipeline.Api.Health;

/// <summary>The API's telemetry: the shared pipeline telemetry plus ASP.NET Core and a Prometheus scrape at <c>/metrics</c>.</summary>
public static class MetricsEndpoint
{
    public const string ServiceName = "pipeline-api";

    public static IServiceCollection AddApiTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineTelemetry(configuration, ServiceName)
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPrometheusScrapingEndpoint();
        return routes;
    }
}
