using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Evals;
using Xunit;
using static Pipeline.Components.Tests.Evaluation.Evals.EvalAnswers;

namespace Pipeline.Components.Tests.Evaluation.Evals;

public sealed class GroundednessScorerTests
{
    private static readonly GroundednessScorer Scorer = new(Options.Create(new EvalOptions()));

    [Fact]
    public void Sentences_quoted_from_the_retrieved_text_are_fully_grounded()
    {
        var answer = Answer(
            "Il GDPR protegge le persone fisiche con riguardo al trattamento dei dati personali [1]. " +
            "Il responsabile del trattamento presenta garanzie sufficienti [2].", "gdpr:1", "gdpr:28");

        Assert.Equal(1.0, Scorer.Score(answer, Texts()));
    }

    [Fact]
    public void An_invented_sentence_scores_low()
    {
        var answer = Answer("Il GDPR obbliga ogni cittadino a pagare una tassa annuale sui gatti domestici [1].", "gdpr:1");

        Assert.Equal(0.0, Scorer.Score(answer, Texts()));
    }

    [Fact]
    public void One_invented_sentence_of_two_halves_the_score()
    {
        var answer = Answer(
            "Il GDPR protegge le persone fisiche con riguardo al trattamento dei dati personali [1]. " +
            "Le sanzioni vengono pagate in bitcoin al garante lunare [1].", "gdpr:1");

        Assert.Equal(0.5, Scorer.Score(answer, Texts()), 3);
    }

    [Fact]
    public void An_answer_without_any_retrieved_text_is_not_grounded()
    {
        Assert.Equal(0.0, Scorer.Score(Answer("Il GDPR protegge i dati personali."), new Dictionary<string, string>()));
    }

    [Fact]
    public void Sentences_citing_only_sources_of_unknown_text_are_left_out()
    {
        var web = new ChatSource("web:1", null, "News", null, 1, "web", "https://example.org");
        var answer = new ChatAnswer(
            "Il GDPR protegge le persone fisiche con riguardo al trattamento dei dati personali [1]. Una notizia di oggi [2].",
            [], [Source("gdpr:1"), web], false, 10, new ChatUsage(0, 0, 0));

        Assert.Equal(1.0, Scorer.Score(answer, Texts()));
    }
}
