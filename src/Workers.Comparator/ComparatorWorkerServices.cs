using Pipeline.Infrastructure.Bus;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Workers.Comparator;

/// <summary>Composition of the comparator worker host.</summary>
public static class ComparatorWorkerServices
{
    public static IHostApplicationBuilder AddComparatorWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPipelineDatabase(builder.Configuration);
        builder.Services.AddPipelineBus(builder.Configuration, _ => { });
        return builder;
    }
}
