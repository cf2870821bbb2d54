using Pipeline.Infrastructure.Bus;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Workers.Workflow;

/// <summary>Composition of the workflow worker host.</summary>
public static class WorkflowWorkerServices
{
    public static IHostApplicationBuilder AddWorkflowWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPipelineDatabase(builder.Configuration);
        builder.Services.AddPipelineBus(builder.Configuration, _ => { });
        return builder;
    }
}
