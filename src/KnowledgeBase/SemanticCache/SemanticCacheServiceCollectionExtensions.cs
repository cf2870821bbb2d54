using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Platform.Hosting;

namespace Pipeline.KnowledgeBase.SemanticCache;

/// <summary>Registers the semantic answer cache on top of the knowledge base.</summary>
public static class SemanticCacheServiceCollectionExtensions
{
    /// <summary>
    /// The knowledge base plus its answer cache. The cache registers its own invalidation observer, so the knowledge base
    /// does not know the cache exists; every host that ingests documents or answers from the cache calls this.
    /// </summary>
    public static IServiceCollection AddSemanticCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKnowledgeBase(configuration);
        services.AddValidatedOptions<SemanticCacheOptions>(configuration, SemanticCacheOptions.SectionName);
        services.TryAddSingleton<QuestionEmbeddings>();
        services.TryAddSingleton<QuestionEmbeddingAhead>();
        services.TryAddScoped<SemanticAnswerCache>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IKnowledgeBaseChangeObserver, SemanticCacheInvalidation>());
        return services;
    }
}
