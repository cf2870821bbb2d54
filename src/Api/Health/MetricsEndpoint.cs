using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.Api.Health;

/// <summary>What the API adds to the shared telemetry: ASP.NET Core instrumentation and a Prometheus scrape at <c>/metrics</c>.</summary>
internal static class MetricsEndpoint
{
    public static IServiceCollection AddApiTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!TelemetryServiceCollectionExtensions.IsEnabled(configuration))
            return services;
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddAspNetCoreInstrumentation());
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/metrics</c> unless telemetry is switched off for the process.</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder routes, IConfiguration configuration)
    {
        if (TelemetryServiceCollectionExtensions.IsEnabled(configuration))
            routes.MapPrometheusScrapingEndpoint();
        return routes;
    }
}
