using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Evaluation.Evals;
using Pipeline.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.Evaluation.Comparisons;

public sealed class TextSimilarityEmbeddingsTests
{
    private const string Question = "Che cosa deve fare un responsabile del trattamento?";
    // Without citation markers, which the eval strips before embedding and the comparator keeps.
    private const string LegacyAnswer = "Il responsabile tratta i dati soltanto su istruzione documentata del titolare.";
    private const string WorkflowAnswer = "Under Article 28 the processor acts only on the controller's documented instructions.";

    [Fact]
    public async Task A_replayed_answer_is_embedded_once_for_its_comparison_and_its_eval()
    {
        var model = new RecordingEmbeddings();
        using var services = Build(model, new Dictionary<string, string?>());
        var comparer = services.GetRequiredService<ChatAnswerComparer>();
        var relevance = services.GetRequiredService<AnswerRelevanceScorer>();

        var first = await comparer.CompareAsync(Answer(LegacyAnswer), Answer(WorkflowAnswer), CancellationToken.None);
        var again = await comparer.CompareAsync(Answer(LegacyAnswer), Answer(WorkflowAnswer), CancellationToken.None);
        await relevance.ScoreAsync(Question, LegacyAnswer, CancellationToken.None);
        await relevance.ScoreAsync(Question, LegacyAnswer, CancellationToken.None);

        Assert.Equal(new[] { LegacyAnswer, WorkflowAnswer, Question }.Order(StringComparer.Ordinal), model.Embedded.Order(StringComparer.Ordinal));
        Assert.Equal(first.TextSimilarity, again.TextSimilarity);
    }

    [Fact]
    public async Task Remembered_embeddings_give_the_same_similarity_as_the_model()
    {
        var model = new RecordingEmbeddings();
        using var services = Build(model, new Dictionary<string, string?>());
        var remembered = services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(TextSimilarity.EmbeddingsKey);

        await TextSimilarity.OfAsync(remembered, LegacyAnswer, WorkflowAnswer, CancellationToken.None);
        var fromMemory = await TextSimilarity.OfAsync(remembered, LegacyAnswer, WorkflowAnswer, CancellationToken.None);
        var fromModel = await TextSimilarity.OfAsync(model, LegacyAnswer, WorkflowAnswer, CancellationToken.None);

        Assert.Equal(fromModel, fromMemory, 6);
    }

    [Fact]
    public async Task With_no_cache_bytes_every_text_is_embedded_every_time()
    {
        var model = new RecordingEmbeddings();
        using var services = Build(model, new Dictionary<string, string?> { ["TextSimilarity:CacheBytes"] = "0" });
        var comparer = services.GetRequiredService<ChatAnswerComparer>();

        await comparer.CompareAsync(Answer(LegacyAnswer), Answer(WorkflowAnswer), CancellationToken.None);
        await comparer.CompareAsync(Answer(LegacyAnswer), Answer(WorkflowAnswer), CancellationToken.None);

        Assert.Equal(4, model.Embedded.Count);
    }

    [Fact]
    public void A_negative_cache_size_stops_the_host_at_start()
    {
        using var services = Build(new RecordingEmbeddings(), new Dictionary<string, string?> { ["TextSimilarity:CacheBytes"] = "-1" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TextSimilarityOptions>>().Value);
    }

    private static ServiceProvider Build(RecordingEmbeddings model, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(model);
        services.AddKnowledgeBase(configuration);
        services.AddComparisons(configuration);
        services.AddEvals(configuration);
        return services.BuildServiceProvider();
    }

    private static ChatAnswer Answer(string text) =>
        new(text, [new ChatCitation(1, "s1")], [new ChatSource("s1", "chunk-1", "GDPR — Art. 28", 1, 0.9, "document", null)], false, 10, new ChatUsage(0, 0, 0));

    /// <summary>The built-in hashing embeddings, recording every text the model is asked to embed.</summary>
    private sealed class RecordingEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly HashingEmbeddingGenerator _inner = new(Options.Create(new KnowledgeBaseOptions()));

        public List<string> Embedded { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            lock (Embedded)
                Embedded.AddRange(texts);
            return _inner.GenerateAsync(texts, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
