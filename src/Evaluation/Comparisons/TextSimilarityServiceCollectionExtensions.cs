using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Hosting;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>
/// Registers the embedding generator that comparators and evaluators measure text similarity with: the process's
/// generator behind Microsoft.Extensions.AI's caching layer over a size-bounded in-memory cache, keyed
/// <see cref="TextSimilarity.EmbeddingsKey"/>.
/// </summary>
public static class TextSimilarityServiceCollectionExtensions
{
    /// <remarks>Needs the knowledge base (embeddings) registered too. Safe to call more than once.</remarks>
    public static IServiceCollection AddTextSimilarity(this IServiceCollection services, IConfiguration configuration)
    {
        // Comparisons and evals each ask for it; a second call would bind and validate the options twice.
        if (services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, TextSimilarity.EmbeddingsKey)))
            return services;
        services.AddValidatedOptions<TextSimilarityOptions>(configuration, TextSimilarityOptions.SectionName);
        services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(TextSimilarity.EmbeddingsKey, (sp, _) =>
        {
            var inner = sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            var bytes = sp.GetRequiredService<IOptions<TextSimilarityOptions>>().Value.CacheBytes;
            if (bytes == 0)
                return inner;
            // MemoryDistributedCache sizes each entry by its serialised length, so SizeLimit bounds the bytes held.
            var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions { SizeLimit = bytes }));
            return inner.AsBuilder().UseDistributedCache(cache).Build(sp);
        });
        return services;
    }
}
