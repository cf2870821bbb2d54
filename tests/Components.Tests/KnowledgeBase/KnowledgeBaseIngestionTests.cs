using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Answering;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Persistence.SemanticCache;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>Ingestion and search of the full shared corpus on the real PostgreSQL with pgvector.</summary>
public sealed class KnowledgeBaseIngestionTests(KnowledgeBaseIngestionTests.CorpusDatabase corpus) : IClassFixture<KnowledgeBaseIngestionTests.CorpusDatabase>
{
    /// <summary>
    /// A database with the shared corpus ingested once, embedded by the hashing generator: these tests are about
    /// parsing, chunking and storing, and the local semantic model would take minutes over the whole corpus.
    /// </summary>
    public sealed class CorpusDatabase : IsolatedInfrastructure
    {
        public ServiceProvider Services { get; private set; } = null!;
        public IReadOnlyList<IngestionSummary> FirstRun { get; private set; } = [];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Services = new ServiceCollection()
                .AddLogging()
                .AddSingleton(TimeProvider.System)
                .AddPipelineDatabase(Configuration())
                .AddSemanticCache(Configuration(new Dictionary<string, string?> { ["KnowledgeBase:EmbeddingProvider"] = EmbeddingModels.HashingProvider }))
                .BuildServiceProvider();
            await using var scope = Services.CreateAsyncScope();
            FirstRun = await scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>().IngestDirectoryAsync(RepositoryPaths.SharedCorpus, null, CancellationToken.None);
        }

        public override async Task DisposeAsync()
        {
            await Services.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_full_corpus_ingests_and_a_second_run_changes_nothing()
    {
        Assert.Equal(5, corpus.FirstRun.Count);
        Assert.All(corpus.FirstRun, s => Assert.Equal(IngestionOutcome.Created, s.Outcome));
        await using var scope = corpus.Services.CreateAsyncScope();
        var before = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().GetStatsAsync(CancellationToken.None);

        var second = await scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>().IngestDirectoryAsync(RepositoryPaths.SharedCorpus, null, CancellationToken.None);

        Assert.All(second, s => Assert.Equal(IngestionOutcome.Unchanged, s.Outcome));
        Assert.Equal(before, await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().GetStatsAsync(CancellationToken.None));
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var keys = corpus.FirstRun.Select(s => s.SourceKey).ToList();
        Assert.Equal(corpus.FirstRun.Sum(s => s.Chunks), await db.Set<KnowledgeChunk>().CountAsync(c => keys.Contains(c.Document!.SourceKey)));
    }

    [Fact]
    public async Task The_gdpr_in_both_languages_teaches_italian_legal_words_their_english_wording_once()
    {
        var store = new ParallelTermStore();
        await using var scope = corpus.Services.CreateAsyncScope();
        var refresh = new ParallelTermRefresh(scope.ServiceProvider.GetRequiredService<PipelineDbContext>(), store,
            Microsoft.Extensions.Options.Options.Create(new EnhancementOptions()), NullLogger<ParallelTermRefresh>.Instance);

        await refresh.RunAsync(CancellationToken.None);
        var learnt = store.Current;
        await refresh.RunAsync(CancellationToken.None);

        Assert.Equal("obligations", learnt.Translate("obblighi"));
        Assert.Equal("erasure", learnt.Translate("cancellazione"));
        Assert.Equal("portability", learnt.Translate("portabilita"));
        Assert.Equal("security", learnt.Translate("sicurezza"));
        Assert.Null(learnt.Translate("della"));
        // Only the GDPR is in both languages; an unchanged knowledge base is not learnt again.
        Assert.Same(learnt, store.Current);
    }

    [Fact]
    public async Task Keyword_search_with_an_article_filter_finds_gdpr_article_28()
    {
        await using var scope = corpus.Services.CreateAsyncScope();
        var search = scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>();

        var found = await search.SearchKeywordsAsync("Articolo 28 responsabile del trattamento", 10, new SearchFilter(28, "GDPR"), CancellationToken.None);

        Assert.NotEmpty(found);
        Assert.All(found, c => Assert.Equal(28, c.ArticleNumber));
        Assert.Contains(found, c => c.Text.Contains("Qualora un trattamento debba essere effettuato per conto del titolare"));
        Assert.All(found, c => Assert.InRange(c.Score, 0, 1));
    }

    [Fact]
    public async Task Vector_search_ranks_passages_that_share_the_question_words_first()
    {
        await using var scope = corpus.Services.CreateAsyncScope();
        var search = scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>();

        var found = await search.SearchVectorAsync("notification of a personal data breach to the supervisory authority", 5, null, CancellationToken.None);

        Assert.Equal(5, found.Count);
        Assert.Contains(found, c => c.Regulation == "GDPR" && c.Text.Contains("supervisory authority", StringComparison.OrdinalIgnoreCase));
        Assert.True(found.Zip(found.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Theory]
    [InlineData(KeywordRanking.Frequency, "ts_rank")]
    [InlineData(KeywordRanking.CoverDensity, "ts_rank_cd")]
    public async Task A_keyword_search_scores_its_hits_with_the_ranking_it_asks_for(KeywordRanking ranking, string function)
    {
        const string question = "notification of a personal data breach to the supervisory authority";
        await using var scope = corpus.Services.CreateAsyncScope();
        var search = scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();

        var found = (await search.SearchAsync([new SearchRequest(SearchKind.Keywords, question, 10, null, ranking)], CancellationToken.None))[0];

        Assert.Equal(10, found.Count);
        var tsQuery = KeywordQuery.Build(question)!;
        // The database's own score for each hit, with the same normalisation (32: rank / (rank + 1)).
        var ids = found.Select(c => c.ChunkId).ToArray();
        var expected = function == "ts_rank"
            ? await db.Database.SqlQuery<double>($"SELECT ts_rank(search_vector, to_tsquery('simple', {tsQuery}), 32)::double precision AS \"Value\" FROM chunks WHERE id = ANY({ids})").ToListAsync()
            : await db.Database.SqlQuery<double>($"SELECT ts_rank_cd(search_vector, to_tsquery('simple', {tsQuery}), 32)::double precision AS \"Value\" FROM chunks WHERE id = ANY({ids})").ToListAsync();
        Assert.Equal(found.Select(c => c.Score).Order(), expected.Order(), (a, b) => Math.Abs(a - b) < 1e-5); // real (float4) scores, printed to six digits
        Assert.True(found.Zip(found.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public async Task Keyword_searches_reach_the_database_while_the_question_is_still_being_embedded()
    {
        await using var scope = corpus.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var model = new GatedEmbeddings(scope.ServiceProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        var search = new KnowledgeSearch(db, model, scope.ServiceProvider.GetRequiredService<IOptions<KnowledgeBaseOptions>>(), NullLogger<KnowledgeSearch>.Instance);
        await using var observer = new NpgsqlConnection(corpus.DatabaseConnectionString);
        await observer.OpenAsync();
        await using var clock = new NpgsqlCommand("SELECT clock_timestamp()", observer);
        var before = (DateTime)(await clock.ExecuteScalarAsync())!;

        var searching = search.SearchAsync(
            [
                new SearchRequest(SearchKind.Keywords, "personal data breach notification", 10, new SearchFilter(null, "GDPR")),
                new SearchRequest(SearchKind.Vector, "personal data breach notification", 10, new SearchFilter(null, "GDPR")),
            ], CancellationToken.None);

        // The model has not answered yet, and a full-text search has started since: it did not wait for the vector.
        await using var seen = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%ts_rank%' AND query_start > $1",
            observer) { Parameters = { new NpgsqlParameter { Value = before } } };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await seen.ExecuteScalarAsync())! == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.False(searching.IsCompleted);
        Assert.True((long)(await seen.ExecuteScalarAsync())! > 0, "no keyword search reached the database while the question was being embedded");

        model.Release();
        var found = await searching;
        Assert.NotEmpty(found[0]);
        Assert.NotEmpty(found[1]);
    }

    /// <summary>The real model behind a gate the test opens: embedding takes as long as the test wants.</summary>
    private sealed class GatedEmbeddings(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            await _gate.Task.WaitAsync(cancellationToken);
            return await inner.GenerateAsync(values, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Searches_sent_together_find_what_each_finds_on_its_own_and_inside_a_callers_transaction()
    {
        SearchRequest[] searches =
        [
            new(SearchKind.Keywords, "notifica di una violazione dei dati personali all'autorità di controllo", 50, new SearchFilter(null, "GDPR")),
            new(SearchKind.Keywords, "notification of a personal data breach to the supervisory authority", 50, new SearchFilter(null, "GDPR")),
            new(SearchKind.Vector, "notifica di una violazione dei dati personali all'autorità di controllo", 50, new SearchFilter(null, "GDPR")),
            new(SearchKind.Vector, "notification of a personal data breach to the supervisory authority", 50, null),
            new(SearchKind.Keywords, "prohibited artificial intelligence practices", 50, new SearchFilter(null, "AI Act")),
            new(SearchKind.Vector, "prohibited artificial intelligence practices", 50, new SearchFilter(5, "AI Act")),
            // Stop words only: no keyword query, nothing to find.
            new(SearchKind.Keywords, "della di the", 50, null),
        ];

        IReadOnlyList<IReadOnlyList<RetrievedChunk>> together, oneByOne, inTransaction;
        await using (var scope = corpus.Services.CreateAsyncScope())
            together = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(searches, CancellationToken.None);
        await using (var scope = corpus.Services.CreateAsyncScope())
        {
            var search = scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>();
            var found = new List<IReadOnlyList<RetrievedChunk>>();
            foreach (var s in searches)
                found.Add(s.Kind == SearchKind.Keywords
                    ? await search.SearchKeywordsAsync(s.Query, s.TopK, s.Filter, CancellationToken.None)
                    : await search.SearchVectorAsync(s.Query, s.TopK, s.Filter, CancellationToken.None));
            oneByOne = found;
        }

        await using (var scope = corpus.Services.CreateAsyncScope())
        {
            // Inside a transaction the searches run in a savepoint of their own.
            await using var transaction = await scope.ServiceProvider.GetRequiredService<PipelineDbContext>().Database.BeginTransactionAsync();
            inTransaction = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(searches, CancellationToken.None);
        }

        Assert.Equal(searches.Length, together.Count);
        Assert.All(together.Take(searches.Length - 1), Assert.NotEmpty);
        Assert.Empty(together[^1]);
        Assert.All(together[5], c => Assert.Equal(5, c.ArticleNumber));
        for (var i = 0; i < searches.Length; i++)
        {
            Assert.Equal(oneByOne[i], together[i]);
            Assert.Equal(inTransaction[i], together[i]);
        }
    }

    [Fact]
    public async Task Searches_sent_together_inside_a_callers_transaction_find_what_each_finds_alone_there_and_leave_its_writes_and_settings_as_they_were()
    {
        SearchRequest[] searches =
        [
            new(SearchKind.Keywords, "notification of a personal data breach to the supervisory authority", 20, new SearchFilter(null, "GDPR")),
            new(SearchKind.Vector, "notification of a personal data breach to the supervisory authority", 20, null),
            new(SearchKind.Keywords, "prohibited artificial intelligence practices", 20, null),
            new(SearchKind.Vector, "prohibited artificial intelligence practices", 20, new SearchFilter(5, "AI Act")),
        ];
        await using var scope = corpus.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var search = scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("CREATE TEMPORARY TABLE callers_write (step text NOT NULL) ON COMMIT DROP");
        await db.Database.ExecuteSqlRawAsync("INSERT INTO callers_write VALUES ('before the searches')");

        var together = await search.SearchAsync(searches, CancellationToken.None);

        var oneByOne = new List<IReadOnlyList<RetrievedChunk>>();
        foreach (var s in searches)
            oneByOne.Add(s.Kind == SearchKind.Keywords
                ? await search.SearchKeywordsAsync(s.Query, s.TopK, s.Filter, CancellationToken.None)
                : await search.SearchVectorAsync(s.Query, s.TopK, s.Filter, CancellationToken.None));
        Assert.Equal(searches.Length, together.Count);
        for (var i = 0; i < searches.Length; i++)
        {
            Assert.NotEmpty(together[i]);
            Assert.Equal(oneByOne[i], together[i]);
        }

        Assert.Equal(["before the searches"], await db.Database.SqlQueryRaw<string>("SELECT step AS \"Value\" FROM callers_write").ToListAsync());
        Assert.Equal("0", await db.Database.SqlQuery<string>($"SELECT current_setting('statement_timeout') AS \"Value\"").SingleAsync());
    }

    [Fact]
    public async Task Reingesting_a_changed_document_replaces_its_chunks_and_drops_cached_answers_built_on_it()
    {
        await using var scope = corpus.Services.CreateAsyncScope();
        var ingestor = scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var first = await ingestor.IngestAsync(new DocumentInput("note.md", "# Note\n\n## Article 1 First\nAlpha text.", DocumentFormat.Markdown), CancellationToken.None);
        db.Add(new SemanticCacheEntry
        {
            Id = Guid.NewGuid(), Question = "alpha?", Embedding = new Pgvector.Vector(new float[KnowledgeChunkConfiguration.EmbeddingDimensions]),
            Answer = "{}", DocumentIds = [first.DocumentId], Pipeline = "legacy", CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();

        var second = await ingestor.IngestAsync(new DocumentInput("note.md", "# Note\n\n## Article 1 First\nBeta text.\n\n## Article 2 Second\nGamma.", DocumentFormat.Markdown), CancellationToken.None);

        Assert.Equal(IngestionOutcome.Replaced, second.Outcome);
        var chunks = await db.Set<KnowledgeChunk>().Where(c => c.Document!.SourceKey == "note.md").ToListAsync();
        Assert.Equal(2, chunks.Count);
        Assert.DoesNotContain(chunks, c => c.Text.Contains("Alpha"));
        Assert.Equal(1, await db.Set<KnowledgeDocument>().CountAsync(d => d.SourceKey == "note.md"));
        Assert.False(await db.Set<SemanticCacheEntry>().AnyAsync(e => e.DocumentIds.Contains(first.DocumentId)));
    }
}
