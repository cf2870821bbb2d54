using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Evaluation.Evals;
using Pipeline.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.Evaluation.Evals;

public sealed class AnswerRelevanceScorerTests
{
    private const string Question = "What does DORA require of financial entities?";
    private const string OnTopic = "DORA requires financial entities to manage ICT risk and to report major ICT-related incidents to the competent authority [1].";
    private const string OffTopic = "Il GDPR è il regolamento europeo che disciplina il trattamento dei dati personali [1]. The ESPR regulates products [2].";

    [Fact]
    public async Task Without_a_judge_an_on_topic_answer_scores_high_and_an_off_topic_one_low()
    {
        var scorer = Scorer(RelevanceJudge.None);

        var onTopic = await scorer.ScoreAsync(Question, OnTopic, CancellationToken.None);
        var offTopic = await scorer.ScoreAsync(Question, OffTopic, CancellationToken.None);

        Assert.True(onTopic >= 0.5, $"on topic scored {onTopic}");
        Assert.True(offTopic < 0.5, $"off topic scored {offTopic}");
    }

    [Fact]
    public async Task A_configured_judge_gives_the_score()
    {
        var judge = new ReplyingJudge("Score: 0.9");

        var score = await Scorer(new RelevanceJudge(judge, "judge-model")).ScoreAsync(Question, OffTopic, CancellationToken.None);

        Assert.Equal(0.9, score, 3);
        Assert.Contains(Question, judge.LastPrompt);
        Assert.DoesNotContain("[1]", judge.LastPrompt);
    }

    [Theory]
    [InlineData("I cannot rate this.")]
    [InlineData("7")]
    [InlineData("")]
    public async Task An_unreadable_verdict_falls_back_to_embedding_similarity(string reply)
    {
        var judged = await Scorer(new RelevanceJudge(new ReplyingJudge(reply), null)).ScoreAsync(Question, OffTopic, CancellationToken.None);
        var similarity = await Scorer(RelevanceJudge.None).ScoreAsync(Question, OffTopic, CancellationToken.None);

        Assert.Equal(similarity, judged, 6);
    }

    [Fact]
    public async Task A_failing_judge_falls_back_to_embedding_similarity()
    {
        var judged = await Scorer(new RelevanceJudge(new ReplyingJudge(null), null)).ScoreAsync(Question, OnTopic, CancellationToken.None);
        var similarity = await Scorer(RelevanceJudge.None).ScoreAsync(Question, OnTopic, CancellationToken.None);

        Assert.Equal(similarity, judged, 6);
    }

    [Theory]
    [InlineData("0.75", 0.75)]
    [InlineData("Relevance: 1", 1.0)]
    [InlineData("0,4", 0.4)]
    [InlineData("80%", 0.8)]
    [InlineData("1.5", null)]
    [InlineData("none", null)]
    public void Verdicts_are_read_defensively(string reply, double? expected)
    {
        Assert.Equal(expected, AnswerRelevanceScorer.ParseScore(reply));
    }

    private static AnswerRelevanceScorer Scorer(RelevanceJudge judge) => new(
        judge,
        new HashingEmbeddingGenerator(Options.Create(new KnowledgeBaseOptions())),
        Options.Create(new EvalOptions()),
        NullLogger<AnswerRelevanceScorer>.Instance);

    /// <summary>A judge model that replies with a fixed text, or throws when the text is null.</summary>
    private sealed class ReplyingJudge(string? reply) : IChatClient
    {
        public string LastPrompt { get; private set; } = "";

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            LastPrompt = string.Join("\n", messages.Select(m => m.Text));
            return reply is null
                ? throw new HttpRequestException("judge unavailable")
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
