using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Platform.Hosting;

namespace Pipeline.Rollouts.Experiments;

/// <summary>Registration of experiments: starting and reading them (API), collecting their answers (coordination host).</summary>
public static class ExperimentServiceCollectionExtensions
{
    public static IServiceCollection AddExperiments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ExperimentOptions>(configuration, ExperimentOptions.SectionName);
        services.TryAddScoped<ExperimentLauncher>();
        services.TryAddScoped<ExperimentReports>();
        return services;
    }

    /// <remarks>Needs the evaluator registered (<c>AddEvals</c>): every collected answer is scored.</remarks>
    public static IServiceCollection AddExperimentCollector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddExperiments(configuration);
        services.AddPeriodicJob<ExperimentCollector, ExperimentOptions>(o => o.CollectInterval);
        return services;
    }
}
