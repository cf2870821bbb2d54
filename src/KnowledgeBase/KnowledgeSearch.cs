using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.EntityFrameworkCore;
using Pipeline.Platform.Bus;
using Pipeline.Persistence;
using Pipeline.Persistence.KnowledgeBase;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// Full-text search ranked by cover density, and nearest-neighbour search over the HNSW index. A keyword search runs
/// under <see cref="KnowledgeBaseOptions.SearchStatementTimeout"/>; one that runs out of time finds nothing rather
/// than failing the request or holding the database.
/// </summary>
internal sealed partial class KnowledgeSearch(
    PipelineDbContext db,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IOptions<KnowledgeBaseOptions> options,
    ILogger<KnowledgeSearch> logger) : IKnowledgeSearch
{
    private const string Savepoint = "knowledge_search";

    public async Task<IReadOnlyList<RetrievedChunk>> SearchKeywordsAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken)
    {
        var tsQuery = KeywordQuery.Build(query, options.Value.KeywordTermLimit);
        if (tsQuery is null)
            return [];

        try
        {
            var ambient = db.Database.CurrentTransaction;
            return ambient is null
                ? await KeywordsWithTimeoutAsync(tsQuery, topK, filter, cancellationToken)
                : await InSavepointWithTimeoutAsync(ambient, token => KeywordsAsync(tsQuery, topK, filter, token), cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == InfrastructureOutage.QueryCanceled && !cancellationToken.IsCancellationRequested)
        {
            // The question's own query ran out of time: the database is fine, and retrying would only hold it again.
            KeywordSearchTimedOut(logger, options.Value.SearchStatementTimeout.TotalMilliseconds, tsQuery.Length);
            return [];
        }
    }

    /// <summary>
    /// Inside a caller's transaction: a read-only query with a statement timeout of its own, in a savepoint that is
    /// always rolled back to, so the timeout ends with it and a cancelled statement leaves the caller's transaction usable.
    /// </summary>
    private async Task<T> InSavepointWithTimeoutAsync<T>(IDbContextTransaction ambient, Func<CancellationToken, Task<T>> query, CancellationToken cancellationToken)
    {
        await ambient.CreateSavepointAsync(Savepoint, cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT set_config('statement_timeout', {StatementTimeoutMilliseconds()}, true)", cancellationToken);
            return await query(cancellationToken);
        }
        finally
        {
            await ambient.RollbackToSavepointAsync(Savepoint, CancellationToken.None);
        }
    }

    /// <summary>
    /// Outside a caller's transaction: the timeout and the query in one command, one round trip. The statements of
    /// one command share the implicit transaction that ends at its Sync, so the local setting ends with the query.
    /// </summary>
    private async Task<IReadOnlyList<RetrievedChunk>> KeywordsWithTimeoutAsync(string tsQuery, int topK, SearchFilter? filter, CancellationToken cancellationToken)
    {
        await using var command = KeywordHits(tsQuery, topK, filter).CreateDbCommand();
        command.CommandText = $"SELECT set_config('statement_timeout', '{StatementTimeoutMilliseconds()}', true);\n{command.CommandText}";
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            // The first result is set_config's own row.
            await reader.NextResultAsync(cancellationToken);
            var found = new List<RetrievedChunk>();
            // The columns in the order KeywordHits projects them.
            while (await reader.ReadAsync(cancellationToken))
                found.Add(ToRetrieved(reader.GetString(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                    reader.GetFloat(7)));
            return found;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private string StatementTimeoutMilliseconds() =>
        ((long)Math.Ceiling(options.Value.SearchStatementTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keyword search ran past its statement timeout of {TimeoutMs} ms (tsquery of {QueryLength} characters); retrieval goes on without it")]
    private static partial void KeywordSearchTimedOut(ILogger logger, double timeoutMs, int queryLength);

    private async Task<IReadOnlyList<RetrievedChunk>> KeywordsAsync(string tsQuery, int topK, SearchFilter? filter, CancellationToken cancellationToken)
    {
        var found = await KeywordHits(tsQuery, topK, filter).ToListAsync(cancellationToken);
        return found.Select(x => ToRetrieved(x.Id, x.DocumentId, x.ArticleNumber, x.ArticleTitle, x.Text, x.Title, x.Regulation, x.Score)).ToList();
    }

    private IQueryable<KeywordHit> KeywordHits(string tsQuery, int topK, SearchFilter? filter) =>
        Filtered(filter)
            .Where(c => c.SearchVector.Matches(EF.Functions.ToTsQuery(KnowledgeChunkConfiguration.TextSearchConfiguration, tsQuery)))
            // The columns a hit needs, not the entity: its embedding and text-search vector would travel and be
            // materialised for every hit of every request only to be dropped.
            .Select(c => new KeywordHit
            {
                Id = c.Id, DocumentId = c.DocumentId, ArticleNumber = c.ArticleNumber, ArticleTitle = c.ArticleTitle, Text = c.Text,
                Title = c.Document!.Title,
                Regulation = c.Document.Regulation,
                // Normalisation 32 maps the rank to rank / (rank + 1): a score in [0, 1).
                Score = c.SearchVector.RankCoverDensity(EF.Functions.ToTsQuery(KnowledgeChunkConfiguration.TextSearchConfiguration, tsQuery),
                    NpgsqlTsRankingNormalization.DivideByItselfPlusOne),
            })
            .OrderByDescending(x => x.Score).ThenBy(x => x.Id)
            .Take(topK)
            .AsNoTracking();

    private sealed record KeywordHit
    {
        public required string Id { get; init; }
        public required Guid DocumentId { get; init; }
        public required int? ArticleNumber { get; init; }
        public required string? ArticleTitle { get; init; }
        public required string Text { get; init; }
        public required string Title { get; init; }
        public required string Regulation { get; init; }
        public required float Score { get; init; }
    }

    public async Task<IReadOnlyList<RetrievedChunk>> SearchVectorAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken)
    {
        var vector = await EmbedAsync(query, cancellationToken);
        var model = embeddings.ModelId();
        // Ordered by distance alone, so PostgreSQL can walk the HNSW index (a second sort key makes it scan and sort
        // every row); equal distances are put in a stable order afterwards.
        // Vectors of another model are in another space: until the ingest verb re-embeds them they are not compared.
        var found = await Filtered(filter)
            .Where(c => c.EmbeddingModel == model)
            .Select(c => new
            {
                c.Id, c.DocumentId, c.ArticleNumber, c.ArticleTitle, c.Text,
                c.Document!.Title,
                c.Document.Regulation,
                Distance = c.Embedding!.CosineDistance(vector),
            })
            .OrderBy(x => x.Distance)
            .Take(topK)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return found.OrderBy(x => x.Distance).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Select(x => ToRetrieved(x.Id, x.DocumentId, x.ArticleNumber, x.ArticleTitle, x.Text, x.Title, x.Regulation, 1 - x.Distance)).ToList();
    }

    /// <summary>
    /// A search lives for one request (scoped), and a comparison searches each named regulation with the same question
    /// and translation: each text is embedded once per request, the model's inference being most of a search's time.
    /// </summary>
    private readonly Dictionary<string, Vector> _queryVectors = new(StringComparer.Ordinal);

    private async Task<Vector> EmbedAsync(string query, CancellationToken cancellationToken)
    {
        if (_queryVectors.TryGetValue(query, out var known))
            return known;
        var generated = await embeddings.GenerateAsync([query], cancellationToken: cancellationToken);
        return _queryVectors[query] = new Vector(generated[0].Vector);
    }

    public async Task<KnowledgeBaseStats> GetStatsAsync(CancellationToken cancellationToken) =>
        new(await db.Set<KnowledgeDocument>().CountAsync(cancellationToken), await db.Set<KnowledgeChunk>().CountAsync(cancellationToken));

    private IQueryable<KnowledgeChunk> Filtered(SearchFilter? filter)
    {
        var chunks = db.Set<KnowledgeChunk>().AsQueryable();
        if (filter?.ArticleNumber is { } article)
            chunks = chunks.Where(c => c.ArticleNumber == article);
        if (filter?.Regulation is { } regulation)
            chunks = chunks.Where(c => c.Document!.Regulation == regulation);
        return chunks;
    }

    private static RetrievedChunk ToRetrieved(string id, Guid documentId, int? articleNumber, string? articleTitle, string text,
        string title, string regulation, double score) =>
        new(id, documentId, articleNumber is { } n ? $"{title} — Art. {n}" : title, regulation, articleNumber, articleTitle, text, Math.Round(score, 6));
}
