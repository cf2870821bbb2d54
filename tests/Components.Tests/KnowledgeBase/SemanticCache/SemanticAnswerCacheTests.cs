using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Persistence.SemanticCache;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase.SemanticCache;

/// <summary>The semantic cache with the default local model (all-MiniLM-L6-v2) and its configured threshold, on the real database.</summary>
public sealed class SemanticAnswerCacheTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>, IAsyncLifetime
{
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddPipelineDatabase(infrastructure.Configuration())
            .AddSemanticCache(infrastructure.Configuration())
            .BuildServiceProvider();
        // Each test starts from an empty cache: another test's entry must not decide a lookup.
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PipelineDbContext>().Set<SemanticCacheEntry>().ExecuteDeleteAsync();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Theory]
    [InlineData("What is the right to erasure under the GDPR?", "Under the GDPR, what does the right to erasure mean?")]
    [InlineData("How long does a controller have to notify a personal data breach?", "Within how many hours must a controller report a personal data breach?")]
    [InlineData("Which AI practices are prohibited by the AI Act?", "What artificial intelligence practices does the AI Act forbid?")]
    [InlineData("When must a manufacturer report an actively exploited vulnerability under the CRA?", "Under the CRA, when does a manufacturer have to report an actively exploited vulnerability?")]
    public async Task A_paraphrase_of_a_cached_question_reuses_its_answer(string cached, string paraphrase)
    {
        var answer = await StoreAsync(ChatPipeline.Legacy, cached);

        var found = await LookupAsync(ChatPipeline.Legacy, paraphrase);

        Assert.NotNull(found);
        Assert.Equal(answer.Text, found.Text);
    }

    [Theory]
    [InlineData("What is the right to erasure under the GDPR?", "What is the right to data portability under the GDPR?")]
    [InlineData("How long does a controller have to notify a personal data breach?", "Who is responsible for notifying a personal data breach to data subjects?")]
    [InlineData("Which AI practices are prohibited by the AI Act?", "Which AI systems are high-risk under the AI Act?")]
    [InlineData("Cos'è il diritto all'oblio nel GDPR?", "Cos'è il diritto alla portabilità dei dati nel GDPR?")]
    [InlineData("Quali sono i diritti dell'interessato?", "Quali sono gli obblighi del titolare del trattamento?")]
    public async Task A_different_question_on_the_same_topic_is_not_answered_from_the_cache(string cached, string different)
    {
        await StoreAsync(ChatPipeline.Legacy, cached);

        Assert.Null(await LookupAsync(ChatPipeline.Legacy, different));
    }

    [Theory]
    [InlineData("What does Article 5 of the GDPR say?", "What does Article 6 of the GDPR say?")]
    [InlineData("What are the penalties under the GDPR?", "What are the penalties under DORA?")]
    [InlineData("What is the GDPR?", "What is the AI Act?")]
    public async Task A_question_naming_another_regulation_or_article_is_not_answered_from_the_cache(string cached, string other)
    {
        await StoreAsync(ChatPipeline.Legacy, cached);

        Assert.Null(await LookupAsync(ChatPipeline.Legacy, other));
        Assert.NotNull(await LookupAsync(ChatPipeline.Legacy, cached));
    }

    [Fact]
    public async Task An_answer_cached_for_one_pipeline_is_never_reused_by_the_other()
    {
        const string question = "What must a data processing agreement under the GDPR contain?";
        await StoreAsync(ChatPipeline.Workflow, question);

        Assert.Null(await LookupAsync(ChatPipeline.Legacy, question));
        Assert.NotNull(await LookupAsync(ChatPipeline.Workflow, question));
    }

    [Fact]
    public async Task An_entry_embedded_by_another_model_is_never_compared()
    {
        const string question = "Which supervisory authority is competent for cross-border processing under the GDPR?";
        await StoreAsync(ChatPipeline.Legacy, question);
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            await db.Set<SemanticCacheEntry>().Where(e => e.Question == question)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.EmbeddingModel, HashingEmbeddingGenerator.ModelId));
        }

        Assert.Null(await LookupAsync(ChatPipeline.Legacy, question));
    }

    [Theory]
    [InlineData(4096, 1)]
    [InlineData(0, 2)]
    public async Task A_question_is_embedded_once_for_its_lookup_and_store_and_a_repeat_only_when_nothing_is_memoised(int memoizedQuestions, int expectedRuns)
    {
        const string question = "Which obligations does NIS2 place on essential entities?";
        var options = Options.Create(new SemanticCacheOptions { MemoizedQuestions = memoizedQuestions });
        var model = new CountingEmbeddings(_services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        var recent = new QuestionEmbeddings(options);
        var command = Command(ChatPipeline.Legacy, question);
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            var cache = new SemanticAnswerCache(db, model, recent, options, TimeProvider.System);
            Assert.Null(await cache.LookupAsync(ChatPipeline.Legacy, command, CancellationToken.None));
            await cache.StoreAsync(command, Answer(question), CancellationToken.None);
            await db.SaveChangesAsync();
        }

        await using (var scope = _services.CreateAsyncScope())
        {
            var cache = new SemanticAnswerCache(scope.ServiceProvider.GetRequiredService<PipelineDbContext>(), model, recent, options, TimeProvider.System);
            Assert.NotNull(await cache.LookupAsync(ChatPipeline.Legacy, Command(ChatPipeline.Legacy, question), CancellationToken.None));
        }

        Assert.Equal(expectedRuns, model.Runs);
    }

    [Fact]
    public async Task A_lookup_while_its_question_is_embedded_ahead_awaits_that_model_run_instead_of_starting_another()
    {
        const string question = "Which incidents must a financial entity report under DORA?";
        var options = Options.Create(new SemanticCacheOptions());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new CountingEmbeddings(_services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), release.Task);
        var recent = new QuestionEmbeddings(options);

        new QuestionEmbeddingAhead(model, recent).Start(question);
        await using var scope = _services.CreateAsyncScope();
        var cache = new SemanticAnswerCache(scope.ServiceProvider.GetRequiredService<PipelineDbContext>(), model, recent, options, TimeProvider.System);
        var lookup = cache.LookupAsync(ChatPipeline.Legacy, Command(ChatPipeline.Legacy, question), CancellationToken.None);

        Assert.False(lookup.IsCompleted);
        release.SetResult();
        Assert.Null(await lookup);
        Assert.Equal(1, model.Runs);
        Assert.True(recent.TryGet(model.ModelId(), question, out _));
        Assert.False(recent.TryGetInFlight(model.ModelId(), question, out _));
    }

    private sealed class CountingEmbeddings(IEmbeddingGenerator<string, Embedding<float>> inner, Task? release = null) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _runs);
            if (release is not null)
                await release.WaitAsync(cancellationToken);
            return await inner.GenerateAsync(values, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }

    private static ChatAnswer Answer(string question) =>
        new($"answer to {question} ({Guid.NewGuid()})", [new ChatCitation(1, "s1")],
            [new ChatSource("s1", Guid.NewGuid().ToString(), "GDPR — Art. 1", 1, 0.9, "document", null)], false, 10, new ChatUsage(0, 0, 0));

    private async Task<ChatAnswer> StoreAsync(ChatPipeline pipeline, string question)
    {
        var answer = Answer(question);
        await using var scope = _services.CreateAsyncScope();
        var cache = scope.ServiceProvider.GetRequiredService<SemanticAnswerCache>();
        await cache.StoreAsync(Command(pipeline, question), answer, CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<PipelineDbContext>().SaveChangesAsync();
        return answer;
    }

    private async Task<ChatAnswer?> LookupAsync(ChatPipeline pipeline, string question)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SemanticAnswerCache>().LookupAsync(pipeline, Command(pipeline, question), CancellationToken.None);
    }

    private static ExecuteChat Command(ChatPipeline pipeline, string question) =>
        new(Guid.NewGuid(), Guid.NewGuid(), pipeline, 1, new ChatQuestion(question, false, "alice", null, "alice"),
            new ExecutionSettings(Shadow: false, DateTime.UtcNow.AddMinutes(1)), Caller: null);
}
