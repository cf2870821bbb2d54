using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Infrastructure.SemanticCache;

namespace Pipeline.Infrastructure.KnowledgeBase;

/// <summary>Registers the knowledge base: embeddings, ingestion and search.</summary>
public static class KnowledgeBaseServiceCollectionExtensions
{
    public static IServiceCollection AddKnowledgeBase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KnowledgeBaseOptions>()
            .Bind(configuration.GetSection(KnowledgeBaseOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>, HashingEmbeddingGenerator>();
        services.TryAddScoped<IKnowledgeSearch, KnowledgeSearch>();
        services.TryAddScoped<KnowledgeBaseIngestor>();
        services.AddOptions<SemanticCacheOptions>()
            .Bind(configuration.GetSection(SemanticCacheOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddScoped<SemanticAnswerCache>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IKnowledgeBaseChangeObserver, SemanticCacheInvalidation>());
        return services;
    }
}
