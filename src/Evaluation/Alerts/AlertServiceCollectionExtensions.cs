using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Platform.Hosting;
using Pipeline.Evaluation.Metrics;

namespace Pipeline.Evaluation.Alerts;

/// <summary>Registration of the metrics queries and, for the coordination host, the continuous alert evaluation.</summary>
public static class AlertServiceCollectionExtensions
{
    /// <summary>The queries behind <c>/api/metrics/summary</c> and <c>/api/alerts</c>.</summary>
    public static IServiceCollection AddOperationsQueries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AlertOptions>(configuration, AlertOptions.SectionName);
        services.AddScoped<TrafficSummaryQuery>();
        services.AddScoped<MetricsSummaryQuery>();
        services.AddScoped<MetricsSeriesQuery>();
        services.AddSingleton<AlertRuleEvaluator>();
        return services;
    }

    public static IServiceCollection AddAlertMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOperationsQueries(configuration);
        // Alert rules are evaluated continuously, one cycle per interval.
        services.AddPeriodicJob<AlertEvaluationCycle, AlertOptions>(o => o.EvaluationInterval);
        return services;
    }
}
