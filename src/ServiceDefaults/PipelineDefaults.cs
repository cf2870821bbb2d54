using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Persistence;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.ServiceDefaults;

/// <summary>
/// What every host shares, registered once: the clock, the database, health checks and OpenTelemetry. Each host's
/// Program.cs calls <see cref="AddPipelineDefaults{TBuilder}"/> before its own services and
/// <see cref="MapPipelineDefaultEndpoints"/> after building.
/// </summary>
public static class PipelineDefaults
{
    // The checks /health/ready runs; MassTransit tags its bus check the same way.
    private const string ReadyTag = "ready";

    private const string LivePath = "/health/live";
    private const string ReadyPath = "/health/ready";

    public static TBuilder AddPipelineDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddPipelineDatabase(builder.Configuration);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        services.AddPipelineTelemetry(builder.Configuration, serviceName);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> (the process runs) and <c>/health/ready</c> (broker and database reachable): the API on its
    /// own port, each worker on the small port its <c>Urls</c> setting names.
    /// </summary>
    public static WebApplication MapPipelineDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }
}
