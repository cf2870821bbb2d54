using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// Loads a local embedding model while the host starts, so the first question does not wait seconds for it; the host
/// does not wait for the load either.
/// </summary>
internal sealed class EmbeddingModelWarmup(IEmbeddingGenerator<string, Embedding<float>> embeddings) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        embeddings.GetService<SentenceTransformerEmbeddingGenerator>() is { } local
            ? Task.Run(local.Warm, stoppingToken)
            : Task.CompletedTask;
}
