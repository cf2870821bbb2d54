using Xunit;
using static Pipeline.Components.Tests.Evaluation.Evals.EvalAnswers;

namespace Pipeline.Components.Tests.Evaluation.Evals;

public sealed class CitationQualityScorerTests
{
    private static readonly Pipeline.Evaluation.Evals.CitationQualityScorer Scorer = new();

    [Fact]
    public void An_answer_citing_every_source_with_valid_markers_scores_one()
    {
        var answer = Answer("Il GDPR protegge i dati personali [1]. Il responsabile presenta garanzie [2].", "gdpr:1", "gdpr:28");

        Assert.Equal(1.0, Scorer.Score(answer));
    }

    [Fact]
    public void A_marker_without_a_source_scores_low()
    {
        var answer = Answer("Il GDPR protegge i dati personali [3].", "gdpr:1");

        Assert.True(Scorer.Score(answer) < 0.5);
    }

    [Fact]
    public void An_invalid_marker_among_valid_ones_costs_its_share()
    {
        var answer = Answer("Il GDPR protegge i dati personali [1]. Il responsabile presenta garanzie [4].", "gdpr:1");

        Assert.Equal(0.5, Scorer.Score(answer), 3);
    }

    [Fact]
    public void Sources_never_cited_score_low()
    {
        var answer = Answer("Il GDPR protegge i dati personali [1].", "gdpr:1", "gdpr:28", "gdpr:5");

        Assert.True(Scorer.Score(answer) < 0.5);
    }

    [Fact]
    public void An_answer_with_sources_and_no_markers_scores_zero()
    {
        Assert.Equal(0.0, Scorer.Score(Answer("Il GDPR protegge i dati personali.", "gdpr:1")));
    }

    [Fact]
    public void An_answer_without_sources_or_markers_claims_nothing_and_scores_one()
    {
        Assert.Equal(1.0, Scorer.Score(Answer("The knowledge base has no passage that answers this question.")));
    }
}
