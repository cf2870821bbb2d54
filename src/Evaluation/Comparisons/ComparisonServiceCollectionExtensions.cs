using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Platform.Hosting;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Registers scoring (one comparer per result kind) and recording of comparisons.</summary>
public static class ComparisonServiceCollectionExtensions
{
    public static IServiceCollection AddComparisons(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ComparisonOptions>(configuration, ComparisonOptions.SectionName);
        services.AddTextSimilarity(configuration);
        services.AddSingleton<ChatAnswerComparer>();
        services.AddSingleton<IResultComparer>(sp => sp.GetRequiredService<ChatAnswerComparer>());
        services.AddSingleton<IResultComparer, CacheLookupComparer>();
        services.AddSingleton<IResultComparer, AnalysisComparer>();
        services.AddSingleton<IResultComparer, RetrievalComparer>();
        services.AddSingleton<IResultComparer, EnhancementComparer>();
        services.AddSingleton<IResultComparer, GenerationComparer>();
        services.AddScoped<ComparisonRecorder>();
        services.AddScoped<ComparisonSummaryQuery>();
        return services;
    }
}
