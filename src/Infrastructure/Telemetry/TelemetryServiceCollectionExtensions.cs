using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Pipeline.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for every host: traces and metrics of MassTransit, Npgsql, outgoing HTTP, the runtime and the
/// pipeline's own steps; exported by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (Langfuse, Jaeger, a
/// collector). Hosts add their own instrumentation and exporters (the API: ASP.NET Core and Prometheus).
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string MassTransitSource = "MassTransit";
    public const string NpgsqlSource = "Npgsql";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IOpenTelemetryBuilder AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(PipelineTelemetry.SourceName, MassTransitSource, NpgsqlSource)
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(PipelineTelemetry.SourceName, MassTransitSource, NpgsqlSource)
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
            telemetry.UseOtlpExporter();
        return telemetry;
    }
}
