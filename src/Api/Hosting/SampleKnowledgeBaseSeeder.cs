using Microsoft.Extensions.Options;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;

namespace Pipeline.Api.Hosting;

/// <summary>
/// Loads the project's sample knowledge base so a fresh install answers out of the box (idempotent: unchanged files are
/// skipped), after re-embedding whatever another embedding model computed, so retrieval never meets a knowledge base
/// it cannot search.
/// </summary>
internal sealed partial class SampleKnowledgeBaseSeeder(
    KnowledgeBaseIngestor ingestor,
    IOptions<KnowledgeBaseOptions> options,
    ILogger<SampleKnowledgeBaseSeeder> logger) : IDatabaseSeeder
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var reembedded = await ingestor.ReembedAsync(null, cancellationToken);
        if (reembedded > 0)
            LogReembedded(reembedded);
        var summaries = await ingestor.IngestDirectoryAsync(options.Value.SamplePath, null, cancellationToken);
        LogLoaded(summaries.Count, summaries.Count(s => s.Outcome != IngestionOutcome.Unchanged), summaries.Sum(s => s.Chunks));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample knowledge base: {Documents} documents ({Changed} new or changed), {Chunks} chunks")]
    private partial void LogLoaded(int documents, int changed, int chunks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge base: {Chunks} chunks re-embedded with the configured embedding model")]
    private partial void LogReembedded(int chunks);
}
