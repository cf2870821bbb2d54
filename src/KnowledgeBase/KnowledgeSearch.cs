using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
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
/// Full-text search ranked by cover density or by frequency (<see cref="KeywordRanking"/>), and nearest-neighbour
/// search over the HNSW index, the searches of a request sent in a batch per kind (the keyword searches while the
/// question is embedded; inside a caller's transaction, each batch in a savepoint of its own). They run under
/// <see cref="KnowledgeBaseOptions.SearchStatementTimeout"/>; one that runs out of time finds nothing rather than
/// failing the request, holding the database or aborting the caller's transaction.
/// </summary>
internal sealed partial class KnowledgeSearch(
    PipelineDbContext db,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IOptions<KnowledgeBaseOptions> options,
    ILogger<KnowledgeSearch> logger) : IKnowledgeSearch
{
    private const string Savepoint = "knowledge_search";

    public async Task<IReadOnlyList<RetrievedChunk>> SearchKeywordsAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken) =>
        (await SearchAsync([new SearchRequest(SearchKind.Keywords, query, topK, filter)], cancellationToken))[0];

    public async Task<IReadOnlyList<RetrievedChunk>> SearchVectorAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken) =>
        (await SearchAsync([new SearchRequest(SearchKind.Vector, query, topK, filter)], cancellationToken))[0];

    public async Task<IReadOnlyList<IReadOnlyList<RetrievedChunk>>> SearchAsync(IReadOnlyList<SearchRequest> searches, CancellationToken cancellationToken)
    {
        var vectorQueries = searches.Where(s => s.Kind == SearchKind.Vector).Select(s => s.Query).ToList();
        // A consumer retrieves inside its consume transaction: the searches join it, in a savepoint of their own.
        var ambient = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        if (vectorQueries.All(_queryVectors.ContainsKey) || searches.All(s => s.Kind == SearchKind.Vector))
        {
            await EmbedAsync(vectorQueries, cancellationToken);
            return await InOneRoundTripAsync(searches, null, ambient, cancellationToken);
        }

        // The keyword searches need no vector, so they run while the texts are embedded (the model on this process's
        // CPU, the searches on the database's): the embedding leaves the critical path for a second round trip, the
        // vector searches, which follow once both are done.
        var embedding = Task.Run(() => EmbedAsync(vectorQueries, cancellationToken), cancellationToken);
        var keywords = InOneRoundTripAsync(searches, SearchKind.Keywords, ambient, cancellationToken);
        // Both finish before the connection takes the next batch, and a failure of either is not left unobserved.
        await Task.WhenAll(embedding, keywords);
        var byKeywords = await keywords;
        var byVector = await InOneRoundTripAsync(searches, SearchKind.Vector, ambient, cancellationToken);
        return searches.Select((s, i) => s.Kind == SearchKind.Keywords ? byKeywords[i] : byVector[i]).ToList();
    }

    /// <summary>
    /// The statement timeout and every search in one batch, one round trip. Outside a caller's transaction the
    /// statements of a batch share the implicit transaction that ends at its Sync, so the local setting ends with
    /// them. Inside one (<paramref name="ambient"/>) the batch opens a savepoint before the setting and rolls back to
    /// it and releases it as its last statements, so the setting ends with the batch there too and nothing of the
    /// searches stays in the caller's transaction. PostgreSQL times each statement on its own. A statement that runs
    /// out of time aborts the transaction: it and the searches after it find nothing, the ones before keep what they
    /// found, and the request goes on, having held the database one timeout at most per batch; inside a caller's
    /// transaction the statements after the failure, the rollback among them, are skipped, so the rollback to the
    /// savepoint follows in a round trip of its own, and the caller's transaction is usable again with its own writes
    /// kept. The vector searches (an index walk, or the distances to one act's passages: their cost does not grow with
    /// the question) go first, so a keyword search that runs out of time (a question of many rare words) costs only
    /// keyword lists. With <paramref name="only"/>, the searches of that kind alone; the others' lists stay empty.
    /// </summary>
    private async Task<IReadOnlyList<IReadOnlyList<RetrievedChunk>>> InOneRoundTripAsync(IReadOnlyList<SearchRequest> searches, SearchKind? only, NpgsqlTransaction? ambient, CancellationToken cancellationToken)
    {
        var results = searches.Select(_ => (IReadOnlyList<RetrievedChunk>)[]).ToArray();
        var statements = new List<(int Index, SearchKind Kind, DbCommand Command)>();
        for (var i = 0; i < searches.Count; i++)
        {
            if (only is null or SearchKind.Vector && searches[i] is { Kind: SearchKind.Vector } vector)
                statements.Add((i, SearchKind.Vector, VectorHits(_queryVectors[vector.Query], vector.TopK, vector.Filter).CreateDbCommand()));
        }

        for (var i = 0; i < searches.Count; i++)
        {
            if (only is null or SearchKind.Keywords && searches[i] is { Kind: SearchKind.Keywords } keywords && KeywordQuery.Build(keywords.Query, options.Value.KeywordTermLimit) is { } tsQuery)
                statements.Add((i, SearchKind.Keywords, KeywordHits(tsQuery, keywords.TopK, keywords.Filter, keywords.Ranking).CreateDbCommand()));
        }

        if (statements.Count == 0)
            return results;

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var batch = ((NpgsqlConnection)db.Database.GetDbConnection()).CreateBatch();
            batch.Transaction = ambient;
            if (ambient is not null)
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SAVEPOINT {Savepoint}"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LocalSettings()));
            foreach (var statement in statements)
                batch.BatchCommands.Add(ToBatchCommand(statement.Command));
            if (ambient is not null)
                AddLeaveSavepoint(batch);

            var read = 0;
            var savepointLeft = ambient is null;
            try
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                // The first result is the settings' own row (the reader passes over the savepoint, which returns none).
                for (; read < statements.Count; read++)
                {
                    await reader.NextResultAsync(cancellationToken);
                    var (index, kind, _) = statements[read];
                    var hits = new List<Hit>();
                    while (await reader.ReadAsync(cancellationToken))
                        hits.Add(ReadHit(reader));
                    results[index] = kind == SearchKind.Vector ? NearestFirst(hits) : hits.Select(ToRetrieved).ToList();
                }

                // The rollback to the savepoint and its release return no rows: passing them surfaces a failure of theirs.
                while (await reader.NextResultAsync(cancellationToken))
                {
                }

                savepointLeft = true;
            }
            catch (PostgresException ex) when (ex.SqlState == InfrastructureOutage.QueryCanceled && !cancellationToken.IsCancellationRequested)
            {
                // The question's own query ran out of time: the database is fine, and retrying would only hold it again.
                SearchTimedOut(logger, options.Value.SearchStatementTimeout.TotalMilliseconds, statements[read].Kind, statements.Count - read - 1);
            }
            finally
            {
                if (!savepointLeft)
                    await LeaveSavepointAsync(ambient!);
            }

            return results;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The statement timeout, and no sequential scan: the searches take the indexes made for them. PostgreSQL's cost
    /// model prices a sequential scan by the table's pages; it leaves out reading each row's vector from its TOAST
    /// table and testing and ranking every row against a question of many terms, so on a knowledge base of a few
    /// thousand passages it scans them all where the HNSW index (nearest neighbours) or the GIN index (the rows a
    /// question's terms match) is faster (pgvector's documentation gives the same remedy). Both settings are local:
    /// they end with the batch's transaction, or with its savepoint inside a caller's.
    /// </summary>
    private string LocalSettings() =>
        $"SELECT set_config('statement_timeout', '{StatementTimeoutMilliseconds()}', true), set_config('enable_seqscan', 'off', true)";

    /// <summary>
    /// After a batch that failed inside a caller's transaction: back to the savepoint, which ends the aborted state
    /// and the statement timeout, and the savepoint released. Not cancellable: the caller's transaction must be left
    /// as it was found.
    /// </summary>
    private static async Task LeaveSavepointAsync(NpgsqlTransaction ambient)
    {
        await using var batch = ambient.Connection!.CreateBatch();
        batch.Transaction = ambient;
        AddLeaveSavepoint(batch);
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Back to the searches' savepoint (which ends their local settings) and the savepoint released.</summary>
    private static void AddLeaveSavepoint(NpgsqlBatch batch)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"ROLLBACK TO SAVEPOINT {Savepoint}"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"RELEASE SAVEPOINT {Savepoint}"));
    }

    /// <summary>A search's command as EF Core writes it, moved into the batch (a parameter belongs to one command).</summary>
    private static NpgsqlBatchCommand ToBatchCommand(DbCommand command)
    {
        var statement = new NpgsqlBatchCommand(command.CommandText);
        foreach (NpgsqlParameter parameter in command.Parameters)
            statement.Parameters.Add(parameter.Clone());
        command.Dispose();
        return statement;
    }

    /// <summary>The columns in the order <see cref="KeywordHits"/> and <see cref="VectorHits"/> project them.</summary>
    private static Hit ReadHit(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
            reader.GetDouble(7));

    private string StatementTimeoutMilliseconds() =>
        ((long)Math.Ceiling(options.Value.SearchStatementTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Kind} search ran past its statement timeout of {TimeoutMs} ms ({Skipped} later searches of its batch skipped); retrieval goes on without them")]
    private static partial void SearchTimedOut(ILogger logger, double timeoutMs, SearchKind kind, int skipped);

    private IQueryable<Hit> KeywordHits(string tsQuery, int topK, SearchFilter? filter, KeywordRanking ranking)
    {
        var matching = Filtered(filter)
            .Where(c => c.SearchVector.Matches(EF.Functions.ToTsQuery(KnowledgeChunkConfiguration.TextSearchConfiguration, tsQuery)));
        // Normalisation 32 maps either rank to rank / (rank + 1): a score in [0, 1). Two scorings rather than a CASE,
        // so the database computes only the rank asked for.
        var scored = ranking == KeywordRanking.Frequency
            ? matching.Select(c => new ScoredChunk
            {
                Chunk = c,
                Score = c.SearchVector.Rank(EF.Functions.ToTsQuery(KnowledgeChunkConfiguration.TextSearchConfiguration, tsQuery),
                    NpgsqlTsRankingNormalization.DivideByItselfPlusOne),
            })
            : matching.Select(c => new ScoredChunk
            {
                Chunk = c,
                Score = c.SearchVector.RankCoverDensity(EF.Functions.ToTsQuery(KnowledgeChunkConfiguration.TextSearchConfiguration, tsQuery),
                    NpgsqlTsRankingNormalization.DivideByItselfPlusOne),
            });
        // The columns a hit needs, not the entity: its embedding and text-search vector would travel and be materialised
        // for every hit of every request only to be dropped.
        return scored
            .Select(s => new Hit
            {
                Id = s.Chunk.Id, DocumentId = s.Chunk.DocumentId, ArticleNumber = s.Chunk.ArticleNumber, ArticleTitle = s.Chunk.ArticleTitle,
                Text = s.Chunk.Text,
                Title = s.Chunk.Document!.Title,
                Regulation = s.Chunk.Document.Regulation,
                Score = s.Score,
            })
            .OrderByDescending(x => x.Score).ThenBy(x => x.Id).Take(topK).AsNoTracking();
    }

    /// <summary>A passage with its keyword rank, before the hit's columns are chosen.</summary>
    private sealed class ScoredChunk
    {
        public required KnowledgeChunk Chunk { get; init; }
        public required double Score { get; init; }
    }

    /// <summary>A passage a search found, with its keyword score or its vector distance.</summary>
    private sealed record Hit
    {
        public required string Id { get; init; }
        public required Guid DocumentId { get; init; }
        public required int? ArticleNumber { get; init; }
        public required string? ArticleTitle { get; init; }
        public required string Text { get; init; }
        public required string Title { get; init; }
        public required string Regulation { get; init; }
        public required double Score { get; init; }

        [SetsRequiredMembers]
        public Hit(string id, Guid documentId, int? articleNumber, string? articleTitle, string text, string title, string regulation, double score) =>
            (Id, DocumentId, ArticleNumber, ArticleTitle, Text, Title, Regulation, Score) = (id, documentId, articleNumber, articleTitle, text, title, regulation, score);

        public Hit()
        {
        }
    }

    /// <summary>
    /// Ordered by distance alone, so PostgreSQL can walk the HNSW index (a second sort key makes it scan and sort
    /// every row); equal distances are put in a stable order by <see cref="NearestFirst"/>. Vectors of another model
    /// are in another space: until the ingest verb re-embeds them they are not compared.
    /// </summary>
    private IQueryable<Hit> VectorHits(Vector vector, int topK, SearchFilter? filter)
    {
        var model = embeddings.ModelId();
        return Filtered(filter)
            .Where(c => c.EmbeddingModel == model)
            .Select(c => new Hit
            {
                Id = c.Id, DocumentId = c.DocumentId, ArticleNumber = c.ArticleNumber, ArticleTitle = c.ArticleTitle, Text = c.Text,
                Title = c.Document!.Title,
                Regulation = c.Document.Regulation,
                // The distance; NearestFirst turns it into a similarity.
                Score = c.Embedding!.CosineDistance(vector),
            })
            .OrderBy(x => x.Score)
            .Take(topK)
            .AsNoTracking();
    }

    private static List<RetrievedChunk> NearestFirst(IEnumerable<Hit> hits) =>
        hits.OrderBy(x => x.Score).ThenBy(x => x.Id, StringComparer.Ordinal).Select(x => ToRetrieved(x with { Score = 1 - x.Score })).ToList();

    /// <summary>
    /// A search lives for one request (scoped), and a comparison searches each named regulation with the same question
    /// and translation: each text is embedded once per request, the model's inference being most of a search's time.
    /// </summary>
    private readonly Dictionary<string, Vector> _queryVectors = new(StringComparer.Ordinal);

    /// <summary>The texts not embedded yet in this request, in one call to the model.</summary>
    private async Task EmbedAsync(IEnumerable<string> queries, CancellationToken cancellationToken)
    {
        var missing = queries.Where(q => !_queryVectors.ContainsKey(q)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
            return;
        var generated = await embeddings.GenerateAsync(missing, cancellationToken: cancellationToken);
        for (var i = 0; i < missing.Count; i++)
            _queryVectors[missing[i]] = new Vector(generated[i].Vector);
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

    private static RetrievedChunk ToRetrieved(Hit hit) =>
        new(hit.Id, hit.DocumentId, hit.ArticleNumber is { } n ? $"{hit.Title} — Art. {n}" : hit.Title, hit.Regulation, hit.ArticleNumber,
            hit.ArticleTitle, hit.Text, Math.Round(hit.Score, 6));
}
