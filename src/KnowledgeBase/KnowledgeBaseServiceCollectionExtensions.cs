using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.ClientModel;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;
using Pipeline.Platform.Hosting;

namespace Pipeline.KnowledgeBase;

/// <summary>Registers the knowledge base: embeddings, ingestion and search.</summary>
public static class KnowledgeBaseServiceCollectionExtensions
{
    public static IServiceCollection AddKnowledgeBase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<KnowledgeBaseOptions>(configuration, KnowledgeBaseOptions.SectionName)
            .Validate(o => o.EmbeddingProvider != EmbeddingModels.OpenAiProvider || (o.EmbeddingEndpoint is { IsAbsoluteUri: true } && !string.IsNullOrWhiteSpace(o.EmbeddingModel)),
                "KnowledgeBase:EmbeddingEndpoint and KnowledgeBase:EmbeddingModel are required when KnowledgeBase:EmbeddingProvider is 'openai'.");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KnowledgeBaseOptions>>();
            switch (options.Value.EmbeddingProvider)
            {
                case EmbeddingModels.HashingProvider:
                    return new HashingEmbeddingGenerator(options);
                case EmbeddingModels.MiniLmProvider or EmbeddingModels.ArcticXsProvider:
                    return new SentenceTransformerEmbeddingGenerator(options.Value.EmbeddingProvider);
            }

            // The stored vectors have a fixed dimension; models that can shorten theirs (text-embedding-3-*) are asked to.
            var client = new OpenAIClient(new ApiKeyCredential(options.Value.EmbeddingApiKey ?? "unused"),
                new OpenAIClientOptions { Endpoint = options.Value.EmbeddingEndpoint });
            return new ConfigureOptionsEmbeddingGenerator<string, Embedding<float>>(
                client.GetEmbeddingClient(options.Value.EmbeddingModel).AsIEmbeddingGenerator(),
                o => o.Dimensions = options.Value.EmbeddingDimensions);
        });
        services.AddHostedService<EmbeddingModelWarmup>();
        services.TryAddScoped<IKnowledgeSearch, KnowledgeSearch>();
        services.TryAddScoped<KnowledgeBaseIngestor>();
        return services;
    }
}
