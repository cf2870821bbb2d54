using System.Text.Json.Serialization;
using Pipeline.Api.Alerts;
using Pipeline.Api.Chat;
using Pipeline.Api.Comparisons;
using Pipeline.Api.Dashboard;
using Pipeline.Api.Documents;
using Pipeline.Api.Evals;
using Pipeline.Api.Experiments;
using Pipeline.Api.Flags;
using Pipeline.Api.Health;
using Pipeline.Api.Metrics;
using Pipeline.Api.Operations;
using Pipeline.Api.Hosting;
using Pipeline.Api.Limits;
using Pipeline.Api.OpenApi;
using Pipeline.Api.Problems;
using Pipeline.Api.Security;
using Pipeline.Evaluation.Alerts;
using Pipeline.Platform.Bus;
using Pipeline.Evaluation.Comparisons;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Platform.ErrorQueues;
using Pipeline.Flags;
using Pipeline.KnowledgeBase;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Persistence;
using Pipeline.Api.Replays;
using Pipeline.Rollouts;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Hosting;
using Pipeline.Platform.Routing;

namespace Pipeline.Api;

/// <summary>Composition of the API host: services and the route map, on top of the pipeline defaults.</summary>
public static class ApiServices
{
    public const string ServiceName = "pipeline-api";

    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        // A query or route value that does not bind throws, so ProblemResponseHandler's 400 can name the parameter.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddValidatedOptions<ProblemOptions>(configuration, ProblemOptions.SectionName);
        services.AddExceptionHandler<ProblemResponseHandler>();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddApiDocument();
        services.AddApiKeySecurity(configuration);
        services.AddDashboard(configuration);
        services.AddRequestLimits(configuration);
        services.AddApiTelemetry(configuration);
        services.AddSemanticCache(configuration);
        services.AddComparisons(configuration);
        services.AddOperationsQueries(configuration);
        services.AddRoutingOptions(configuration);
        services.AddRollouts(configuration);
        services.AddReplays(configuration);
        services.AddErrorQueues();
        services.AddFlagSeeding();
        services.AddFlagEvaluation(configuration);
        services.AddScoped<FlagAdministration>();
        services.AddScoped<IDatabaseSeeder, SampleKnowledgeBaseSeeder>();
        services.AddChatFrontDoor(configuration);
        services.AddPipelineBus(configuration, bus =>
            {
                bus.AddEntityFrameworkOutbox<PipelineDbContext>(o => o.UseBusOutbox());
                bus.AddCallerEvents();
                bus.AddFlagSnapshotRefresh();
            },
            (context, cfg) => cfg.AddCallerInstanceEndpoint(context),
            (context, cfg) => cfg.AddFlagRefreshEndpoint(context));
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseCrossSiteRequestGuard();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapApiDocument();
        app.MapMetricsEndpoint(app.Configuration);
        app.MapChatEndpoints();
        app.MapComparisonEndpoints();
        app.MapFlagEndpoints();
        app.MapRolloutEndpoints();
        app.MapDocumentEndpoints();
        app.MapMetricsSummaryEndpoints();
        app.MapMetricsSeriesEndpoints();
        app.MapAlertEndpoints();
        app.MapReplayEndpoints();
        app.MapExperimentEndpoints();
        app.MapErrorQueueEndpoints();
        app.MapEvalEndpoints();
        app.MapDashboardEndpoints();
        return app;
    }
}
