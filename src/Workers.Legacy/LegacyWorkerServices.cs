using Pipeline.Infrastructure.Bus;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Workers.Legacy;

/// <summary>Composition of the legacy worker host.</summary>
public static class LegacyWorkerServices
{
    public static IHostApplicationBuilder AddLegacyWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPipelineDatabase(builder.Configuration);
        builder.Services.AddPipelineBus(builder.Configuration, _ => { });
        return builder;
    }
}
