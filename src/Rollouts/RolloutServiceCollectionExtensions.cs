using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Rollouts.Experiments;
using Pipeline.Flags;
using Pipeline.Platform.Hosting;

namespace Pipeline.Rollouts;

/// <summary>Registration of staged rollouts: starting them (API) and carrying them out (coordination host).</summary>
public static class RolloutServiceCollectionExtensions
{
    public static IServiceCollection AddRollouts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RolloutOptions>(configuration, RolloutOptions.SectionName)
            .Validate(o => ExperimentReports.Metrics.TryGetValue(o.ExperimentMetric, out var higherIsBetter) && higherIsBetter,
                $"Rollout:ExperimentMetric must be one of: {string.Join(", ", ExperimentReports.Metrics.Where(m => m.Value).Select(m => m.Key))}.")
            .Validate(o => o.StepGates.All(s => MigrationFlags.WorkflowSteps.Contains(s.Key) && s.Value.Trigger is >= 0 and <= 1 && s.Value.Gate is >= 0 and <= 1
                    && s.Value.Trigger <= s.Value.Gate && s.Value.LatencyGateFactor is null or (>= 1 and <= 100)),
                $"Rollout:StepGates keys must be workflow step flags ({string.Join(", ", MigrationFlags.WorkflowSteps)}), each with 0 <= Trigger <= Gate <= 1 and a LatencyGateFactor, if set, between 1 and 100.");
        services.AddExperiments(configuration);
        services.AddSingleton<RolloutJudge>();
        services.TryAddSingleton<RolloutEvalSampling>();
        services.AddScoped<StageEvidenceQuery>();
        services.AddScoped<RolloutConductor>();
        services.TryAddScoped<FlagAdministration>();
        return services;
    }

    public static IServiceCollection AddRolloutController(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRollouts(configuration);
        // Running rollouts are judged continuously, one evaluation per interval.
        services.AddPeriodicJob<RolloutConductor, RolloutOptions>(o => o.EvaluationInterval);
        return services;
    }
}
