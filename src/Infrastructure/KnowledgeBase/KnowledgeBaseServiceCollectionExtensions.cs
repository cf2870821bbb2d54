using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Infrastructure.SemanticCache;
using Pipeline.Infrastructure.Hosting;

namespace Pipeline.Infrastructure.KnowledgeBase;

/// <summary>Registers the knowledge base: embeddings, ingestion and search.</summary>
public static class KnowledgeBaseServiceCollectionExtensions
{
    public static IServiceCollection AddKnowledgeBase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<KnowledgeBaseOptions>(configuration, KnowledgeBaseOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>, HashingEmbeddingGenerator>();
        services.TryAddScoped<IKnowledgeSearch, KnowledgeSearch>();
        services.TryAddScoped<KnowledgeBaseIngestor>();
        services.AddValidatedOptions<SemanticCacheOptions>(configuration, SemanticCacheOptions.SectionName);
        services.TryAddScoped<SemanticAnswerCache>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IKnowledgeBaseChangeObserver, SemanticCacheInvalidation>());
        return services;
    }
}
