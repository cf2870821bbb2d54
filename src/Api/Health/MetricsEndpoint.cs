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
        return services.AddPipelineTelemetry(configuration, ServiceName,
            tracing => tracing.AddAspNetCoreInstrumentation(),
            metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
    }

    /// <summary>Maps <c>/metrics</c> unless telemetry is switched off for the process.</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder routes, IConfiguration configuration)
    {
        if (TelemetryServiceCollectionExtensions.IsEnabled(configuration))
            routes.MapPrometheusScrapingEndpoint();
        return routes;
    }
}
