using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Answering;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Platform.Hosting;

namespace Pipeline.Evaluation.Evals;

/// <summary>Registers evaluation of sampled answers: the three scorers, the relevance judge and the evaluator.</summary>
public static class EvalServiceCollectionExtensions
{
    /// <remarks>Needs the knowledge base (embeddings) registered too; registers generation when the host has none.</remarks>
    public static IServiceCollection AddEvals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<EvalOptions>(configuration, EvalOptions.SectionName)
            .Validate(o => o.FullRelevanceSimilarity > o.UnrelatedSimilarity,
                "Evals:FullRelevanceSimilarity must be greater than Evals:UnrelatedSimilarity.");
        services.AddTextSimilarity(configuration);
        if (services.All(d => d.ServiceType != typeof(IChatClient)))
            services.AddAnswerGeneration(configuration);
        services.AddSingleton(sp =>
        {
            // Only an external model judges: the built-in extractive client quotes sources and cannot grade anything.
            var generation = sp.GetRequiredService<IOptions<GenerationOptions>>().Value;
            return generation.Provider == AnsweringServiceCollectionExtensions.OpenAiProvider
                ? new RelevanceJudge(sp.GetRequiredService<IChatClient>(), generation.Model)
                : RelevanceJudge.None;
        });
        services.AddSingleton<CitationQualityScorer>();
        services.AddSingleton<GroundednessScorer>();
        services.AddSingleton<AnswerRelevanceScorer>();
        services.AddScoped<AnswerEvaluator>();
        return services;
    }
}
