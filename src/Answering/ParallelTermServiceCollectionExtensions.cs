using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Platform.Hosting;

namespace Pipeline.Answering;

/// <summary>Registers query enhancement's learnt translations: the store requests read and the job that refreshes it.</summary>
public static class ParallelTermServiceCollectionExtensions
{
    public static IServiceCollection AddParallelTermLearning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<EnhancementOptions>(configuration, EnhancementOptions.SectionName);
        services.AddSingleton<ParallelTermStore>();
        services.AddPeriodicJob<ParallelTermRefresh, EnhancementOptions>(o => o.ParallelTermsRefresh);
        return services;
    }
}
