using Pipeline.KnowledgeBase.Quality;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase.Quality;

/// <summary>The quality metrics on a tiny fixed dataset whose every number was worked out by hand.</summary>
public sealed class QualityMetricsTests
{
    private static AnsweredSource Source(string id, string regulation, int? article) => new(id, regulation, article);

    private static GoldenQuestion Question(string id, string kind, params ExpectedSource[] expected) => new(id, id, "en", kind, expected);

    /// <summary>
    /// q1: answered first (RR 1), 2 of 3 sources GDPR, cites one right and one wrong source, one fragment ("1 [2].").
    /// q2: answered second (RR 1/2), 2 of 4 sources AI Act, cites one right source, one fragment ("(a) [2].").
    /// q3: a comparison whose first source answers (hit@1, RR 1) but DORA never comes (no hit@5), 2 of 3 right, one
    ///     right and one wrong citation, one fragment (the lone heading "Article 33 [1].").
    /// q4: no source at all: 0 everywhere. q5: a meta question, outside the ranked metrics.
    /// </summary>
    private static readonly List<(GoldenQuestion, GoldenAnswer)> Results =
    [
        (Question("q1", GoldenKinds.Question, new ExpectedSource("GDPR", 6)),
            new GoldenAnswer("Processing shall be lawful only if one of the following applies [1]. 1 [2].",
                [Source("gdpr-en-00010", "GDPR", 6), Source("ai-act-00100", "AI Act", 10), Source("gdpr-en-00011", "GDPR", 7)], [1, 2], 100)),
        (Question("q2", GoldenKinds.Question, new ExpectedSource("AI Act", 5)),
            new GoldenAnswer("(a) [2].",
                [Source("gdpr-en-00009", "GDPR", 5), Source("ai-act-00005", "AI Act", 5), Source("ai-act-00006", "AI Act", 6), Source("dora-00001", "DORA", 1)], [2], 200)),
        (Question("q3", GoldenKinds.Comparison, new ExpectedSource("GDPR", 33), new ExpectedSource("DORA", 19)),
            new GoldenAnswer("Article 33 [1]. The controller shall notify the breach without undue delay [3].",
                [Source("gdpr-en-00040", "GDPR", 33), Source("gdpr-en-00041", "GDPR", 34), Source("cra-00014", "CRA", 14)], [1, 3], 300)),
        (Question("q4", GoldenKinds.Question, new ExpectedSource("CRA", 14)),
            new GoldenAnswer("The knowledge base has no passage that answers this question.", [], [], 400)),
        (Question("q5", GoldenKinds.Meta), new GoldenAnswer("The database holds 6 documents, split into 40 passages.", [], [], 1000)),
    ];

    [Fact]
    public void Ranked_metrics_count_only_questions_that_expect_sources()
    {
        var report = QualityMetrics.Score(Results);

        Assert.Equal(5, report.Questions);
        Assert.Equal(4, report.Ranked);
        Assert.Equal(0.5, report.HitAt1, 6);                          // q1, q3
        Assert.Equal(0.5, report.HitAtK, 6);                          // q1, q2 (q3 lacks DORA)
        Assert.Equal((1 + 0.5 + 1 + 0) / 4, report.MeanReciprocalRank, 6);
        Assert.Equal((2.0 / 3 + 2.0 / 4 + 2.0 / 3 + 0) / 4, report.RightRegulationShare, 6);
        Assert.Equal(3.0 / 5, report.CitationPrecision!.Value, 6);
        Assert.Equal(3, report.FragmentSentences);
        Assert.Equal(300, report.LatencyP50Ms);
        Assert.Equal(1000, report.LatencyP95Ms);
    }

    [Fact]
    public void Hit_at_k_looks_only_at_the_first_k_sources()
    {
        var report = QualityMetrics.Score(Results, k: 1);

        Assert.Equal(0.25, report.HitAtK, 6);                         // only q1: q2's answer is second, q3 lacks DORA
        Assert.Equal((1.0 + 0 + 1 + 0) / 4, report.RightRegulationShare, 6);
    }

    [Fact]
    public void Nothing_cited_leaves_citation_precision_undefined_rather_than_zero()
    {
        var report = QualityMetrics.Score([Results[3], Results[4]]);

        Assert.Null(report.CitationPrecision);
        Assert.Equal(0, report.HitAt1);
    }

    [Theory]
    [InlineData(0.5, 300)]
    [InlineData(0.95, 1000)]
    [InlineData(0.2, 100)]
    [InlineData(0.8, 400)]
    [InlineData(1.0, 1000)]
    public void Percentiles_are_nearest_rank(double quantile, double expected) =>
        Assert.Equal(expected, QualityMetrics.Percentile([400, 100, 1000, 300, 200], quantile));

    [Fact]
    public void An_expected_document_matches_any_passage_of_that_document_and_an_article_only_that_article()
    {
        var overview = new ExpectedSource("GDPR", null, "gdpr-overview");
        var article = new ExpectedSource("GDPR", 6);

        Assert.True(overview.Matches(Source("gdpr-overview-it-md-00002", "GDPR", 6)));
        Assert.False(overview.Matches(Source("gdpr-2016-679-it-formex-xml-00180", "GDPR", 1)));
        Assert.True(article.Matches(Source("gdpr-2016-679-it-formex-xml-00180", "GDPR", 6)));
        Assert.False(article.Matches(Source("ai-act-2024-1689-en-md-00300", "AI Act", 6)));
    }

    [Fact]
    public void A_knowledge_base_source_takes_its_regulation_from_its_document_key()
    {
        var source = AnsweredSource.From(new Contracts.ChatSource("ai-act-2024-1689-en-md-00301", null, "EU AI Act — Art. 5", 5, 0.9, "document", null));

        Assert.Equal(new AnsweredSource("ai-act-2024-1689-en-md-00301", "AI Act", 5), source);
    }
}
