using MassTransit;
using Pipeline.Evaluation.Alerts;
using Pipeline.Platform.Bus;
using Pipeline.Evaluation.Comparisons;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence.Routing;
using Pipeline.Coordinator.Comparisons;
using Pipeline.Coordinator.Evals;
using Pipeline.Evaluation.Evals;
using Pipeline.Rollouts.Experiments;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Flags;
using Pipeline.Platform.Hosting;
using Pipeline.Persistence;
using Pipeline.Coordinator.Routing;
using Pipeline.Rollouts;
using Pipeline.Platform.Routing;

namespace Pipeline.Coordinator;

/// <summary>
/// Composition of the coordination host: the routing saga (with its deadline sweeper), the comparator and the evaluator.
/// It is the one process that must evaluate the routing flag and see both answers of a shadow pair.
/// </summary>
public static class CoordinatorServices
{
    public const string ServiceName = "pipeline-coordinator";

    public static IHostApplicationBuilder AddCoordinatorServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRoutingOptions(builder.Configuration);
        services.AddRoutingSagaRecords();
        services.AddFlagEvaluation(builder.Configuration);
        services.AddKnowledgeBase(builder.Configuration);
        services.AddComparisons(builder.Configuration);
        services.AddEvals(builder.Configuration);
        services.AddAlertMonitoring(builder.Configuration);
        services.AddRolloutController(builder.Configuration);
        services.AddExperimentCollector(builder.Configuration);
        services.AddPeriodicJob<ChatDeadlineSweep, RoutingOptions>(o => o.SweepInterval);
        services.AddSingleton<LegacyLatencyBaseline>();
        services.AddPeriodicJob<LegacyLatencyBaselineRefresh, RoutingOptions>(o => o.BaselineRefreshInterval);
        services.AddPipelineBus(builder.Configuration, bus =>
        {
            bus.AddEntityFrameworkOutbox<PipelineDbContext>(o => o.UseBusOutbox());
            bus.AddFlagSnapshotRefresh();
            bus.AddSagaStateMachine<ChatRoutingStateMachine, ChatRoutingState, ChatRoutingStateDefinition>()
                .EntityFrameworkRepository(r =>
                {
                    r.ConcurrencyMode = ConcurrencyMode.Optimistic;
                    r.ExistingDbContext<PipelineDbContext>();
                });
            bus.AddConsumer<CompareResultsConsumer>(typeof(CompareResultsConsumerDefinition));
            bus.AddConsumer<ResultSampledConsumer>(typeof(ResultSampledConsumerDefinition));
        }, (context, cfg) => cfg.AddFlagRefreshEndpoint(context));
        return builder;
    }
}
