using Pipeline.Answering;
using Pipeline.Platform.Bus;
using Pipeline.Answering.Conversations;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Answering.Execution;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Persistence.Routing;
using Pipeline.Workers.Legacy.Chat;

namespace Pipeline.Workers.Legacy;

/// <summary>Composition of the legacy worker host.</summary>
public static class LegacyWorkerServices
{
    public const string ServiceName = "pipeline-workers-legacy";

    public static IHostApplicationBuilder AddLegacyWorkerServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddChatWorker(builder.Configuration);
        services.AddScoped<LegacyChatHandler>();
        services.AddPipelineBus(builder.Configuration, bus =>
        {
            bus.AddEntityFrameworkOutbox<PipelineDbContext>(_ => { });
            bus.AddConsumer<LegacyChatConsumer>(typeof(LegacyChatConsumerDefinition));
        });
        return builder;
    }
}
