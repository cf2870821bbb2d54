using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipeline.Flags;
using Pipeline.Platform.Hosting;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry for every host: traces and metrics of MassTransit, Npgsql, outgoing HTTP, the runtime, the
/// pipeline's own steps and GenAI generation spans; exported by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (Langfuse, Jaeger, a collector). Hosts add their own instrumentation and exporters (the API: ASP.NET Core and
/// Prometheus). Traces are kept by the <c>telemetry</c> flag; <c>Telemetry:Enabled=false</c> removes it all.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string MassTransitSource = "MassTransit";
    public const string NpgsqlSource = "Npgsql";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddPipelineTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        string serviceName,
        Action<TracerProviderBuilder>? tracing = null,
        Action<MeterProviderBuilder>? metrics = null)
    {
        services.AddValidatedOptions<TelemetryOptions>(configuration, TelemetryOptions.SectionName);
        if (!IsEnabled(configuration))
            return services;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(builder =>
            {
                builder.AddSource(PipelineTelemetry.SourceName, PipelineTelemetry.GenAiSourceName, MassTransitSource, NpgsqlSource)
                    .AddHttpClientInstrumentation();
                // A host without flag evaluation keeps every trace it starts (and follows its callers' decisions).
                builder.SetSampler(sp => new ParentBasedSampler(new FlagControlledSampler(sp.GetService<IFlagEvaluator>())));
                tracing?.Invoke(builder);
            })
            .WithMetrics(builder =>
            {
                builder.AddMeter(PipelineTelemetry.SourceName, PipelineTelemetry.GenAiSourceName, MassTransitSource, NpgsqlSource)
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                metrics?.Invoke(builder);
            });
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
            telemetry.UseOtlpExporter();
        return services;
    }

    public static bool IsEnabled(IConfiguration configuration) => TelemetryOptions.From(configuration).Enabled;
}
