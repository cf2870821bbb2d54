using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pipeline.Platform.Bus;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>
/// Hostile: one anonymous question made of hundreds of distinct corpus words. Invariant: its keyword search is bounded
/// (a few terms, a short statement timeout), never holds the database for long, never fails the request, and a
/// statement that runs out of time is not an outage to retry and leaves the caller's transaction usable.
/// </summary>
public sealed class KeywordSearchBoundsTests(KnowledgeBaseIngestionTests.CorpusDatabase corpus) : IClassFixture<KnowledgeBaseIngestionTests.CorpusDatabase>
{
    [Fact]
    public async Task A_question_of_hundreds_of_distinct_corpus_words_is_answered_within_seconds()
    {
        await using var scope = corpus.Services.CreateAsyncScope();
        var question = await HostileQuestionAsync(scope.ServiceProvider.GetRequiredService<PipelineDbContext>());
        var search = scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>();

        var clock = Stopwatch.StartNew();
        var found = await search.SearchKeywordsAsync(question, 20, null, CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the search took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.NotNull(found);
    }

    [Fact]
    public void The_keyword_query_keeps_only_the_most_informative_terms()
    {
        var words = Enumerable.Range(0, 500).Select(i => "parola" + new string((char)('a' + i % 26), 1 + i / 26)).ToList();
        var question = "articolo 28 " + string.Join(' ', words);

        var query = KeywordQuery.Build(question, termLimit: 32)!;

        var terms = query.Split(" | ");
        Assert.Equal(32, terms.Length);
        Assert.Contains("28", terms);
        Assert.True(KeywordQuery.Build(question)!.Split(" | ").Length <= KnowledgeBaseOptions.DefaultKeywordTermLimit);
    }

    [Fact]
    public async Task A_search_past_its_statement_timeout_finds_nothing_and_leaves_the_callers_transaction_usable()
    {
        await using var services = WithOneMillisecondSearchTimeout();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var question = await HostileQuestionAsync(db);
        await using var transaction = await db.Database.BeginTransactionAsync();

        var found = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchKeywordsAsync(question, 20, null, CancellationToken.None);

        Assert.Empty(found);
        Assert.Equal(1, await db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\"").SingleAsync());
        Assert.Equal("0", await db.Database.SqlQuery<string>($"SELECT current_setting('statement_timeout') AS \"Value\"").SingleAsync());
    }

    [Fact]
    public async Task A_search_past_its_statement_timeout_among_others_in_a_callers_transaction_lets_the_caller_write_on_and_commit_its_writes()
    {
        await using var services = WithOneMillisecondSearchTimeout();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var question = await HostileQuestionAsync(db);
        // Held open: the caller's table lives as long as the session, so it is read after the commit.
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("CREATE TEMPORARY TABLE callers_writes (step text NOT NULL)");
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlRawAsync("INSERT INTO callers_writes VALUES ('before the searches')");

            // The question not embedded yet, so the keyword batch runs while it is, and the vector batch after; the
            // hostile keyword search between two that can finish.
            var found = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(
                [
                    new SearchRequest(SearchKind.Keywords, "personal data", 20, null),
                    new SearchRequest(SearchKind.Keywords, question, 20, null),
                    new SearchRequest(SearchKind.Vector, "personal data", 20, null),
                ], CancellationToken.None);

            Assert.Equal(3, found.Count);
            Assert.Empty(found[1]);
            await db.Database.ExecuteSqlRawAsync("INSERT INTO callers_writes VALUES ('after the searches')");
            Assert.Equal("0", await db.Database.SqlQuery<string>($"SELECT current_setting('statement_timeout') AS \"Value\"").SingleAsync());
            await transaction.CommitAsync();
        }

        // PostgreSQL answers COMMIT of an aborted transaction with a rollback, not an error: the rows say which it was.
        Assert.Equal(["after the searches", "before the searches"],
            await db.Database.SqlQueryRaw<string>("SELECT step AS \"Value\" FROM callers_writes ORDER BY step").ToListAsync());
    }

    [Fact]
    public async Task A_search_past_its_statement_timeout_outside_a_transaction_finds_nothing_and_leaves_the_connection_without_the_timeout()
    {
        await using var services = WithOneMillisecondSearchTimeout();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var question = await HostileQuestionAsync(db);
        // Held open, so the search runs on the connection the setting is read from afterwards.
        await db.Database.OpenConnectionAsync();

        var found = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchKeywordsAsync(question, 20, null, CancellationToken.None);

        Assert.Empty(found);
        Assert.Equal("0", await db.Database.SqlQuery<string>($"SELECT current_setting('statement_timeout') AS \"Value\"").SingleAsync());
    }

    [Fact]
    public async Task Searches_sent_together_each_run_under_the_statement_timeout_and_leave_the_connection_without_it()
    {
        await using var services = WithOneMillisecondSearchTimeout();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var question = await HostileQuestionAsync(db);
        // Held open, so the searches run on the connection the setting is read from afterwards.
        await db.Database.OpenConnectionAsync();

        // The hostile search comes last of the batch: the timeout set at its start still bounds it.
        var found = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(
            [
                new SearchRequest(SearchKind.Vector, "personal data", 20, null),
                new SearchRequest(SearchKind.Keywords, "personal data", 20, null),
                new SearchRequest(SearchKind.Keywords, question, 20, null),
            ], CancellationToken.None);

        Assert.Equal(3, found.Count);
        Assert.Empty(found[2]);
        Assert.Equal("0", await db.Database.SqlQuery<string>($"SELECT current_setting('statement_timeout') AS \"Value\"").SingleAsync());
    }

    [Fact]
    public void A_statement_cancelled_by_its_timeout_is_not_an_outage()
    {
        var cancelled = new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", InfrastructureOutage.QueryCanceled);

        Assert.False(InfrastructureOutage.IsOutage(cancelled));
        Assert.False(InfrastructureOutage.IsOutage(new InvalidOperationException("wrapped", cancelled)));
    }

    /// <summary>The knowledge base with a statement timeout no hostile search can meet, and no term limit to stop it.</summary>
    private ServiceProvider WithOneMillisecondSearchTimeout() =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddPipelineDatabase(corpus.Configuration())
            .AddKnowledgeBase(corpus.Configuration(new Dictionary<string, string?>
            {
                ["KnowledgeBase:EmbeddingProvider"] = EmbeddingModels.HashingProvider,
                ["KnowledgeBase:SearchStatementTimeout"] = "00:00:00.001",
                ["KnowledgeBase:KeywordTermLimit"] = "1000",
            }))
            .BuildServiceProvider();

    /// <summary>About 940 distinct words of 6 to 9 letters, all from the corpus, as one 8,000-character message.</summary>
    private static async Task<string> HostileQuestionAsync(PipelineDbContext db)
    {
        var texts = await db.Set<KnowledgeChunk>().AsNoTracking().OrderBy(c => c.Id).Select(c => c.Text).Take(2_000).ToListAsync();
        var words = texts.SelectMany(KeywordQuery.Terms).Where(w => w.Length is >= 6 and <= 9 && w.All(char.IsLetter)).Distinct().ToList();
        var message = new List<string>();
        var length = 0;
        foreach (var word in words)
        {
            if (length + word.Length + 1 > 8_000)
                break;
            message.Add(word);
            length += word.Length + 1;
        }

        Assert.True(message.Count >= 800, $"the corpus gave only {message.Count} distinct words");
        return string.Join(' ', message);
    }
}
