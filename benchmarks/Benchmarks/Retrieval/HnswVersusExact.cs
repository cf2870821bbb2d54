using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Benchmarks.Chat;
using Pipeline.Benchmarks.Load;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Testing;
using Pgvector;

namespace Pipeline.Benchmarks.Retrieval;

/// <summary>
/// Vector retrieval on at least 100,000 chunks: the shared EU corpus ingested, then replicated with small random
/// perturbations of each embedding (so replicas are near, not equal, neighbours), the HNSW index built afterwards.
/// The product's own query (<see cref="IKnowledgeSearch.SearchVectorAsync"/>, top 10; the query embedded beforehand) runs per query with the index
/// and, in the same run, the exact answer (every distance, index scans off); recall@10 is HNSW's overlap with the exact top 10.
/// Goal: p95 ≤ 10 ms with recall@10 ≥ 0.95.
/// </summary>
public static class HnswVersusExact
{
    private const int TargetChunks = 100_000;
    private const int Queries = 200;
    private const int TopK = 10;
    private const double Perturbation = 0.02;
    private static readonly int[] EfSearchValues = [40, 200, 400, 500, 600, 800];

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        await using (var scope = system.Api.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>().IngestDirectoryAsync(RepositoryPaths.SharedCorpus, null, CancellationToken.None);

        await using var db = system.CreateDbContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var original = await db.Set<KnowledgeChunk>().CountAsync();
        var replicas = (int)Math.Ceiling((double)(TargetChunks - original) / original);
        var clock = Stopwatch.StartNew();
        // Rebuilt afterwards exactly as the schema defines it (bulk insert first, then one index build).
        var indexDefinition = await db.Database.SqlQueryRaw<string>("SELECT indexdef AS \"Value\" FROM pg_indexes WHERE indexname = 'ix_chunks_embedding'").SingleAsync();
        await db.Database.ExecuteSqlRawAsync("DROP INDEX ix_chunks_embedding");
#pragma warning disable EF1002 // Only the benchmark's own constants are interpolated.
        await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO chunks (id, document_id, ordinal, article_number, article_title, heading, language, text, embedding_model, embedding)
            SELECT c.id || '~' || r, c.document_id, c.ordinal + r * 1000000, c.article_number, c.article_title, c.heading, c.language, c.text, c.embedding_model,
                   (SELECT array_agg(v + (random() - 0.5) * {Perturbation.ToString(System.Globalization.CultureInfo.InvariantCulture)} ORDER BY i)
                    FROM unnest(c.embedding::real[]) WITH ORDINALITY AS u(v, i))::vector
            FROM chunks c CROSS JOIN generate_series(1, {replicas}) AS r
            WHERE c.embedding IS NOT NULL
            """);
#pragma warning restore EF1002
        var replicated = clock.Elapsed;
        clock.Restart();
        await db.Database.ExecuteSqlRawAsync(indexDefinition);
        await db.Database.ExecuteSqlRawAsync("ANALYZE chunks");
        var total = await db.Set<KnowledgeChunk>().CountAsync();
        Console.WriteLine($"chunks: {original} from the corpus, {total} after {replicas} perturbed replicas ({replicated.TotalSeconds:0} s); HNSW index built in {clock.Elapsed.TotalSeconds:0} s ({indexDefinition})");

        // Queries: the original design's questions and the opening words of chunks drawn across the corpus.
        var openings = await db.Set<KnowledgeChunk>().Where(c => !c.Id.Contains("~")).OrderBy(c => c.Id).Select(c => c.Text.Substring(0, 120)).ToListAsync();
        var queries = new[] { "Cos'è il GDPR?", "Articolo 28 del GDPR", "Confronta GDPR e DORA", "What does the AI Act say about high-risk systems?" }
            .Concat(openings.Where((_, i) => i % Math.Max(1, openings.Count / Queries) == 0)).Take(Queries).ToList();

        var exact = await ExactAllAsync(system, queries);
        Console.WriteLine($"exact          : p50 {LoadResult.PercentileOf(exact.LatenciesMs, 0.5):0.00} ms, p95 {LoadResult.PercentileOf(exact.LatenciesMs, 0.95):0.00} ms");
        // hnsw.ef_search is the candidate list a search keeps (pgvector's default 40): recall bought with time.
        foreach (var efSearch in EfSearchValues)
        {
            var indexScansBefore = await IndexScansAsync(db);
            var hnsw = await SearchAllAsync(system, queries, $"SET hnsw.ef_search = {efSearch}");
            // Sessions flush their statistics to the shared counters about once a second.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var indexScans = await IndexScansAsync(db) - indexScansBefore;
            var recall = queries.Select((_, i) => hnsw.Results[i].Intersect(exact.Results[i]).Count() / (double)Math.Max(1, exact.Results[i].Count)).Average();
            // Replicas of one chunk are near-ties; which of them come back is noise, so also count the passages found.
            var passageRecall = queries.Select((_, i) =>
            {
                var expected = exact.Results[i].Select(Passage).ToHashSet();
                return hnsw.Results[i].Select(Passage).Distinct().Count(expected.Contains) / (double)Math.Max(1, expected.Count);
            }).Average();
            Console.WriteLine($"HNSW ef_search {efSearch,3}: p50 {LoadResult.PercentileOf(hnsw.LatenciesMs, 0.5):0.00} ms, p95 {LoadResult.PercentileOf(hnsw.LatenciesMs, 0.95):0.00} ms, " +
                $"recall@{TopK} {recall:0.000}, passage recall {passageRecall:0.000} ({indexScans} index scans for {queries.Count} queries, searched twice); exact / HNSW p50 x{LoadResult.PercentileOf(exact.LatenciesMs, 0.5) / LoadResult.PercentileOf(hnsw.LatenciesMs, 0.5):0}");
        }

        return 0;
    }

    /// <summary>
    /// The exact answer: each query embedded by the product's model, then the distance to every chunk of that model,
    /// scanned and sorted with index scans off. Its own statement rather than the product's search, whose batch turns
    /// sequential scans off so the index is taken.
    /// </summary>
    private static async Task<(List<double> LatenciesMs, List<List<string>> Results)> ExactAllAsync(BenchmarkSystem system, IReadOnlyList<string> queries)
    {
        var latencies = new List<double>();
        var results = new List<List<string>>();
        await using var scope = system.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var generator = scope.ServiceProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var model = generator.ModelId();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("SET enable_indexscan = off");
        // The queries embedded first: the goal is the search's, and the model's time is the query embedding's own.
        var vectors = new List<Vector>();
        var embedding = new List<double>();
        foreach (var query in queries)
        {
            var embeddingStarted = Stopwatch.GetTimestamp();
            vectors.Add(new Vector((await generator.GenerateAsync([query]))[0].Vector));
            embedding.Add(Stopwatch.GetElapsedTime(embeddingStarted).TotalMilliseconds);
        }

        Console.WriteLine($"query embedding ({model}): p50 {LoadResult.PercentileOf(embedding, 0.5):0.00} ms, p95 {LoadResult.PercentileOf(embedding, 0.95):0.00} ms (not in the search times below)");
        Task<List<string>> NearestAsync(Vector vector) =>
            db.Database.SqlQuery<string>($"SELECT id AS \"Value\" FROM chunks WHERE embedding_model = {model} ORDER BY embedding <=> {vector} LIMIT {TopK}").ToListAsync();

        // Warms the cache, as the searches with the index are warmed.
        await NearestAsync(vectors[0]);
        foreach (var vector in vectors)
        {
            var started = Stopwatch.GetTimestamp();
            results.Add(await NearestAsync(vector));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        await db.Database.ExecuteSqlRawAsync("RESET ALL");
        return (latencies, results);
    }

    private static async Task<(List<double> LatenciesMs, List<List<string>> Results)> SearchAllAsync(BenchmarkSystem system, IReadOnlyList<string> queries, string sessionSetting)
    {
        var latencies = new List<double>();
        var results = new List<List<string>>();
        await using var scope = system.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var search = scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>();
        await db.Database.OpenConnectionAsync();
        // The session's candidate list (hnsw.ef_search). A first pass embeds every query (the search keeps a scope's
        // query vectors) and warms the cache, so the timed pass is the search itself.
        await db.Database.ExecuteSqlRawAsync(sessionSetting);
        foreach (var query in queries)
            await search.SearchVectorAsync(query, TopK, null, CancellationToken.None);
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            var found = await search.SearchVectorAsync(query, TopK, null, CancellationToken.None);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            results.Add(found.Select(c => c.ChunkId).ToList());
        }

        await db.Database.ExecuteSqlRawAsync("RESET ALL");
        return (latencies, results);
    }

    /// <summary>The corpus chunk a replica was made from.</summary>
    private static string Passage(string chunkId) => chunkId.Split('~')[0];

    private static async Task<long> IndexScansAsync(PipelineDbContext db) =>
        await db.Database.SqlQueryRaw<long>("SELECT idx_scan AS \"Value\" FROM pg_stat_user_indexes WHERE indexrelname = 'ix_chunks_embedding'").SingleAsync();
}
