using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Persistence.SemanticCache;
using Pipeline.Testing;
using Pgvector;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>Changing the configured embedding model: the sample knowledge base embedded by hashing, then by the local MiniLM model.</summary>
public sealed class KnowledgeBaseReembeddingTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>
{
    [Fact]
    public async Task A_changed_model_searches_no_vector_of_the_old_one_until_the_knowledge_base_is_re_embedded()
    {
        await using var hashing = Services(EmbeddingModels.HashingProvider);
        await using var miniLm = Services(EmbeddingModels.MiniLmProvider);
        await using (var scope = hashing.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>().IngestDirectoryAsync(RepositoryPaths.SampleKnowledgeBase, null, CancellationToken.None);
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            db.Add(new SemanticCacheEntry
            {
                Id = Guid.NewGuid(), Question = "Cos'è il GDPR?", Embedding = new Vector(new float[KnowledgeChunkConfiguration.EmbeddingDimensions]),
                EmbeddingModel = HashingEmbeddingGenerator.ModelId, Answer = "{}", Pipeline = "legacy", CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        const string question = "What rights do people have over their personal data?";
        await using var scoped = miniLm.CreateAsyncScope();
        var search = scoped.ServiceProvider.GetRequiredService<IKnowledgeSearch>();
        var chunks = (await search.GetStatsAsync(CancellationToken.None)).Chunks;
        Assert.True(chunks > 0);
        Assert.Empty(await search.SearchVectorAsync(question, 5, null, CancellationToken.None));

        var reports = new List<ReembeddingProgress>();
        var reembedded = await scoped.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>()
            .ReembedAsync(new SynchronousProgress(reports), CancellationToken.None);

        Assert.Equal(chunks, reembedded);
        Assert.Equal(new ReembeddingProgress(chunks, chunks, EmbeddingModels.MiniLmModelId), reports[^1]);
        var db2 = scoped.ServiceProvider.GetRequiredService<PipelineDbContext>();
        Assert.True(await db2.Set<KnowledgeChunk>().AllAsync(c => c.EmbeddingModel == EmbeddingModels.MiniLmModelId));
        Assert.False(await db2.Set<SemanticCacheEntry>().AnyAsync(e => e.EmbeddingModel != EmbeddingModels.MiniLmModelId));
        var found = await search.SearchVectorAsync(question, 5, null, CancellationToken.None);
        Assert.Equal("GDPR", found[0].Regulation);
        Assert.Equal(0, await scoped.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>().ReembedAsync(null, CancellationToken.None));
    }

    private ServiceProvider Services(string provider) => new ServiceCollection()
        .AddLogging()
        .AddSingleton(TimeProvider.System)
        .AddPipelineDatabase(infrastructure.Configuration())
        .AddKnowledgeBase(infrastructure.Configuration(new Dictionary<string, string?> { ["KnowledgeBase:EmbeddingProvider"] = provider }))
        .BuildServiceProvider();

    /// <summary>Records reports as they are made (<see cref="Progress{T}"/> posts them later, on the thread pool).</summary>
    private sealed class SynchronousProgress(List<ReembeddingProgress> reports) : IProgress<ReembeddingProgress>
    {
        public void Report(ReembeddingProgress value) => reports.Add(value);
    }
}
