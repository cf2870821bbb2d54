using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>
/// On the real corpus (a few thousand passages, where PostgreSQL's planner would rather scan the table), a search
/// over every passage takes the index made for it: the HNSW index for nearest neighbours, the GIN index for keywords.
/// </summary>
public sealed class SearchPlanTests(KnowledgeBaseIngestionTests.CorpusDatabase corpus) : IClassFixture<KnowledgeBaseIngestionTests.CorpusDatabase>
{
    /// <summary>Statistics reach the shared counters when the backend goes idle, about a second later.</summary>
    private static readonly TimeSpan StatisticsFlush = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Searches_over_every_passage_walk_the_hnsw_and_gin_indexes()
    {
        await using var scope = corpus.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var before = await IndexScansAsync(db);

        await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(
            [
                new SearchRequest(SearchKind.Vector, "personal data breach notification", 20, null),
                new SearchRequest(SearchKind.Keywords, "personal data breach notification supervisory authority", 20, null),
            ], CancellationToken.None);

        var deadline = DateTime.UtcNow + StatisticsFlush;
        var after = before;
        while (DateTime.UtcNow < deadline && !(after.Hnsw > before.Hnsw && after.Gin > before.Gin))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            db.ChangeTracker.Clear();
            after = await IndexScansAsync(db);
        }

        Assert.True(after.Hnsw > before.Hnsw, $"the vector search did not use the HNSW index (scans {before.Hnsw} -> {after.Hnsw})");
        Assert.True(after.Gin > before.Gin, $"the keyword search did not use the GIN index (scans {before.Gin} -> {after.Gin})");
    }

    /// <summary>Scans so far of the chunks' HNSW and GIN indexes, from a fresh snapshot of the statistics.</summary>
    private static async Task<(long Hnsw, long Gin)> IndexScansAsync(PipelineDbContext db)
    {
        // A transaction's statistics are a snapshot taken at its first read; each poll is a transaction of its own.
        var scans = await db.Database.SqlQuery<IndexScans>($"""
            SELECT coalesce(sum(s.idx_scan) FILTER (WHERE i.indexdef ILIKE '%USING hnsw%'), 0)::bigint AS hnsw,
                   coalesce(sum(s.idx_scan) FILTER (WHERE i.indexdef ILIKE '%USING gin%'), 0)::bigint AS gin
            FROM pg_stat_user_indexes s JOIN pg_indexes i ON i.indexname = s.indexrelname AND i.schemaname = s.schemaname
            WHERE s.relname = 'chunks'
            """).SingleAsync();
        return (scans.Hnsw, scans.Gin);
    }

    private sealed record IndexScans(long Hnsw, long Gin);
}
