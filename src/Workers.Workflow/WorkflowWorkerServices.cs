using Pipeline.Answering;
using Pipeline.Platform.Bus;
using Pipeline.Answering.Conversations;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Answering.Execution;
using Pipeline.Flags;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Persistence.Routing;
using Pipeline.Workers.Workflow.Chat;
using Pipeline.Workers.Workflow.Steps;

namespace Pipeline.Workers.Workflow;

/// <summary>Composition of the workflow worker host.</summary>
public static class WorkflowWorkerServices
{
    public const string ServiceName = "pipeline-workers-workflow";

    public static IHostApplicationBuilder AddWorkflowWorkerServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddChatWorker(builder.Configuration);
        services.AddFlagEvaluation(builder.Configuration);
        services.AddParallelTermLearning(builder.Configuration);
        services.AddSingleton<StepRunner>();
        services.AddScoped<WorkflowChatPipeline>();
        services.AddPipelineBus(builder.Configuration, bus =>
        {
            bus.AddEntityFrameworkOutbox<PipelineDbContext>(_ => { });
            bus.AddFlagSnapshotRefresh();
            bus.AddConsumer<WorkflowChatConsumer>(typeof(WorkflowChatConsumerDefinition));
        }, (context, cfg) => cfg.AddFlagRefreshEndpoint(context));
        return builder;
    }
}
