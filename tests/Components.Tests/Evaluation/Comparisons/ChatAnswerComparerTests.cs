using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Comparisons;
using Pipeline.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.Evaluation.Comparisons;

public sealed class ChatAnswerComparerTests
{
    private static readonly ChatAnswerComparer Comparer = new(
        new HashingEmbeddingGenerator(Options.Create(new KnowledgeBaseOptions())),
        Options.Create(new ComparisonOptions()));

    [Fact]
    public async Task Identical_answers_match_on_every_dimension()
    {
        var answer = Answer("Il GDPR protegge i dati personali [1].", [(1, "a")], [("a", 0.8), ("b", 0.5)]);

        var score = await Comparer.CompareAsync(answer, answer, CancellationToken.None);

        Assert.True(score.Match);
        Assert.Equal(1.0, score.TextSimilarity);
        Assert.True(score.CitationsMatch);
        Assert.True(score.SourcesMatch);
        Assert.Empty(score.Diff);
    }

    [Fact]
    public async Task Different_citations_fail_the_match_and_the_diff_names_them()
    {
        var before = Answer("Same text [1].", [(1, "a")], [("a", 0.8)]);
        var after = Answer("Same text [1].", [(1, "b")], [("a", 0.8)]);

        var score = await Comparer.CompareAsync(before, after, CancellationToken.None);

        Assert.False(score.Match);
        Assert.False(score.CitationsMatch);
        Assert.True(score.Diff.ContainsKey("citations"));
    }

    [Fact]
    public async Task A_shared_source_moving_more_than_five_percent_fails_the_sources_dimension()
    {
        var before = Answer("t", [], [("a", 0.80), ("b", 0.50)]);
        var within = Answer("t", [], [("a", 0.78), ("b", 0.50)]);
        var beyond = Answer("t", [], [("a", 0.70), ("b", 0.50)]);

        Assert.True((await Comparer.CompareAsync(before, within, CancellationToken.None)).SourcesMatch);
        var score = await Comparer.CompareAsync(before, beyond, CancellationToken.None);
        Assert.False(score.SourcesMatch);
        Assert.InRange(score.MaxScoreDelta, 0.12, 0.13);
        Assert.True(score.Diff.ContainsKey("sources"));
    }

    [Fact]
    public async Task Different_sources_lower_the_overlap()
    {
        var before = Answer("t", [], [("a", 0.8), ("b", 0.5)]);
        var after = Answer("t", [], [("a", 0.8), ("c", 0.5)]);

        var score = await Comparer.CompareAsync(before, after, CancellationToken.None);

        Assert.Equal(1.0 / 3, score.SourceIdOverlap, 3);
        Assert.False(score.SourcesMatch);
    }

    [Fact]
    public async Task Unrelated_texts_are_not_similar_and_close_texts_are()
    {
        var gdpr = Answer("The GDPR protects personal data of natural persons in the Union.", [], []);
        var close = Answer("The GDPR protects the personal data of natural persons in the European Union.", [], []);
        var other = Answer("Manufacturers report exploited vulnerabilities within 24 hours.", [], []);

        var near = await Comparer.CompareAsync(gdpr, close, CancellationToken.None);
        var far = await Comparer.CompareAsync(gdpr, other, CancellationToken.None);

        Assert.True(near.TextSimilarity > far.TextSimilarity);
        Assert.True(far.TextSimilarity < 0.5, $"unrelated texts scored {far.TextSimilarity}");
        Assert.True(far.Diff.ContainsKey("text"));
    }

    private static ChatAnswer Answer(string text, (int Index, string Id)[] citations, (string Id, double Score)[] sources) => new(
        text,
        citations.Select(c => new ChatCitation(c.Index, c.Id)).ToList(),
        sources.Select(s => new ChatSource(s.Id, "doc", "title", null, s.Score, "document", null)).ToList(),
        false, 10, new ChatUsage(0, 0, 0m));
}
