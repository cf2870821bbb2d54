using Microsoft.Extensions.Options;
using Pipeline.Rollouts;
using Pipeline.Persistence.Evals;
using Pipeline.Persistence.Rollouts;
using Xunit;
using Pipeline.Rollouts.Experiments;

namespace Pipeline.Components.Tests.Rollouts;

/// <summary>
/// Improvement rollouts: mismatches are expected, eval scores decide. The scores are shaped as the evaluator records
/// them (citation quality, groundedness, answer relevance of sampled answers, rounded to four places).
/// </summary>
public sealed class ImprovementJudgeTests
{
    private static readonly RolloutJudge Judge = new(Options.Create(new RolloutOptions()));
    private static readonly RolloutStage Shadow = RolloutStage.Shadow;
    private static readonly RolloutStage Ten = new(10);

    // Eval rows of the kind the sample knowledge base yields: legacy often cites loosely, the workflow's
    // analysis-aware answers cite every source.
    private static readonly (double Citation, double Grounded, double Relevance)[] LegacyRows =
    [
        (0.5, 0.6667, 0.7213), (0.3333, 0.75, 0.6402), (0.6667, 0.5, 0.8125), (0.5, 0.8, 0.5931), (0.25, 0.6, 0.7718),
        (0.6, 0.7143, 0.6650), (0.4, 0.5714, 0.7032), (0.5, 0.6, 0.8811),
    ];

    private static readonly (double Citation, double Grounded, double Relevance)[] WorkflowRows =
    [
        (1.0, 0.8333, 0.8921), (0.8, 0.875, 0.7744), (1.0, 0.7143, 0.9302), (0.75, 0.9, 0.8116), (1.0, 0.8, 0.8530),
        (0.8, 0.8571, 0.9044), (1.0, 0.7778, 0.8207), (0.8333, 0.8889, 0.9410),
    ];

    private static List<double> Scores((double Citation, double Grounded, double Relevance)[] rows, int count) =>
        Enumerable.Range(0, count).Select(i => rows[i % rows.Length]).Select(r => EvalResult.Overall(r.Citation, r.Grounded, r.Relevance)).ToList();

    private static List<double> Latencies(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => 50 + random.NextDouble() * 10).ToList();
    }

    /// <summary>A shadow stage where no answer matches (the new steps answer differently on purpose).</summary>
    private static StageEvidence ShadowEvidence(ExperimentEvidence? experiment) =>
        new(200, 0, 200, 0, 200, 0, Latencies(200, 1), Latencies(200, 2), Experiment: experiment);

    private static StageEvidence PercentageEvidence(List<double> treatmentScores, List<double> controlScores) =>
        new(0, 0, 200, 0, 1800, 0, Latencies(200, 3), Latencies(1800, 4), treatmentScores, controlScores);

    private static ExperimentEvidence Experiment((double Citation, double Grounded, double Relevance)[] treatment) =>
        new(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "workflow", "legacy", "score",
            MeanComparison.OfPairs(Scores(treatment, 8).Zip(Scores(LegacyRows, 8)).ToList(), 0.05), DateTime.UtcNow);

    private static RolloutVerdict Decide(RolloutStage stage, StageEvidence evidence, bool completes = false, int minSamples = 100) =>
        Judge.Judge(RolloutKind.Improvement, stage, evidence, minSamples, dwellElapsed: true, alreadyHalved: false, completes);

    [Fact]
    public void Shadow_without_a_finished_experiment_waits_for_one_even_with_no_answer_matching()
    {
        var verdict = Decide(Shadow, ShadowEvidence(null));
        Assert.Equal(RolloutAction.Hold, verdict.Action);
        Assert.StartsWith("waiting", verdict.Reason);
    }

    [Fact]
    public void Shadow_with_an_experiment_where_the_workflow_scores_better_advances_and_names_the_experiment()
    {
        var verdict = Decide(Shadow, ShadowEvidence(Experiment(WorkflowRows)));
        Assert.Equal(RolloutAction.Advance, verdict.Action);
        Assert.Contains("paired-t", verdict.Reason);
        Assert.Contains("0f8fad5b", System.Text.Json.JsonSerializer.Serialize(verdict.Evidence));
    }

    [Fact]
    public void Shadow_with_an_experiment_where_the_new_side_scores_worse_rolls_back()
    {
        // Legacy and workflow swapped: the "new" side is the loosely citing one.
        var worse = new ExperimentEvidence(Guid.NewGuid(), "workflow", "legacy", "score",
            MeanComparison.OfPairs(Scores(LegacyRows, 8).Zip(Scores(WorkflowRows, 8)).ToList(), 0.05), DateTime.UtcNow);
        var verdict = Decide(Shadow, ShadowEvidence(worse));
        Assert.Equal(RolloutAction.RollBack, verdict.Action);
        Assert.Contains("significantly below", verdict.Reason);
    }

    [Fact]
    public void An_equivalence_rollout_of_the_same_shadow_stage_rolls_back_on_the_match_rate()
    {
        var verdict = Judge.Judge(RolloutKind.Equivalence, Shadow, ShadowEvidence(Experiment(WorkflowRows)), 100, true, false, false);
        Assert.Equal(RolloutAction.RollBack, verdict.Action);
        Assert.Contains("match rate", verdict.Reason);
    }

    [Fact]
    public void A_percentage_stage_where_the_workflow_scores_better_advances_and_completes()
    {
        var evidence = PercentageEvidence(Scores(WorkflowRows, 120), Scores(LegacyRows, 120));
        Assert.Equal(RolloutAction.Advance, Decide(Ten, evidence).Action);
        var last = Decide(Ten, evidence, completes: true);
        Assert.Equal(RolloutAction.Advance, last.Action);
        Assert.Contains("better beyond noise", last.Reason);
        Assert.IsType<MeanComparison>(last.Evidence["evalScores"]);
    }

    [Fact]
    public void A_percentage_stage_that_scores_the_same_advances_but_does_not_complete()
    {
        var evidence = PercentageEvidence(Scores(LegacyRows, 120), Scores(LegacyRows, 120));
        Assert.Equal(RolloutAction.Advance, Decide(Ten, evidence).Action);
        var last = Decide(Ten, evidence, completes: true);
        Assert.Equal(RolloutAction.Hold, last.Action);
        Assert.StartsWith("inconclusive: the new side is not yet better", last.Reason);
    }

    [Fact]
    public void A_percentage_stage_where_the_new_side_scores_worse_rolls_back_before_the_minimum_samples()
    {
        var verdict = Decide(Ten, PercentageEvidence(Scores(LegacyRows, 40), Scores(WorkflowRows, 40)), minSamples: 200);
        Assert.Equal(RolloutAction.RollBack, verdict.Action);
        Assert.Contains("eval score", verdict.Reason);
    }

    [Fact]
    public void A_percentage_stage_with_too_few_scored_answers_keeps_collecting()
    {
        var verdict = Decide(Ten, PercentageEvidence(Scores(WorkflowRows, 20), Scores(LegacyRows, 200)), minSamples: 100);
        Assert.Equal(RolloutAction.Hold, verdict.Action);
        Assert.StartsWith("collecting", verdict.Reason);
    }
}
