using Microsoft.Extensions.Options;
using Pipeline.Rollouts;
using Pipeline.Persistence.Rollouts;
using Xunit;

namespace Pipeline.Components.Tests.Rollouts;

/// <summary>The stage decisions: advance on established gates, hold when inconclusive, halve or roll back on contingencies.</summary>
public sealed class RolloutJudgeTests
{
    private static readonly RolloutJudge Judge = new(Options.Create(new RolloutOptions()));
    private static readonly RolloutStage Shadow = RolloutStage.Shadow;
    private static readonly RolloutStage Half = new(50);

    private static List<double> Latencies(int count, double from, double spread, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => from + random.NextDouble() * spread).ToList();
    }

    private static StageEvidence ShadowEvidence(int comparisons, int matches, double newLatency = 50) => new(
        comparisons, matches, comparisons, 0, comparisons, 0, Latencies(comparisons, newLatency, 10, 1), Latencies(comparisons, 50, 10, 2));

    private static StageEvidence RequestEvidence(int treatment, int treatmentErrors, double treatmentLatency, int control = 300, int controlErrors = 0) => new(
        0, 0, treatment, treatmentErrors, control, controlErrors, Latencies(treatment - treatmentErrors, treatmentLatency, 20, 3), Latencies(control, 60, 20, 4));

    [Fact]
    public void A_shadow_stage_with_every_answer_matching_advances()
    {
        var verdict = Judge.Judge(Shadow, ShadowEvidence(200, 200), minSamples: 200, dwellElapsed: true, alreadyHalved: false);
        Assert.Equal(RolloutAction.Advance, verdict.Action);
        Assert.Equal(200, verdict.Evidence["samples"]);
    }

    [Fact]
    public void Too_few_samples_or_too_short_a_dwell_hold_the_stage()
    {
        Assert.Equal(RolloutAction.Hold, Judge.Judge(Shadow, ShadowEvidence(199, 199), 200, true, false).Action);
        Assert.Equal(RolloutAction.Hold, Judge.Judge(Shadow, ShadowEvidence(500, 500), 200, false, false).Action);
    }

    [Fact]
    public void A_match_rate_under_the_gate_but_not_significantly_under_the_trigger_is_inconclusive()
    {
        var verdict = Judge.Judge(Shadow, ShadowEvidence(200, 192), 200, true, false);
        Assert.Equal(RolloutAction.Hold, verdict.Action);
        Assert.StartsWith("inconclusive", verdict.Reason);
    }

    [Fact]
    public void A_match_rate_significantly_under_ninety_five_percent_rolls_back()
    {
        Assert.Equal(RolloutAction.RollBack, Judge.Judge(Shadow, ShadowEvidence(200, 160), 200, true, false).Action);
    }

    [Fact]
    public void Triggers_act_before_the_minimum_samples()
    {
        var verdict = Judge.Judge(Half, RequestEvidence(30, 10, 60), minSamples: 200, dwellElapsed: false, alreadyHalved: false);
        Assert.Equal(RolloutAction.RollBack, verdict.Action);
        Assert.Contains("error rate", verdict.Reason);
    }

    [Fact]
    public void Triggers_wait_for_enough_observations_so_a_cold_start_does_not_roll_back()
    {
        var verdict = Judge.Judge(Half, RequestEvidence(10, 0, 900), minSamples: 200, dwellElapsed: false, alreadyHalved: false);
        Assert.Equal(RolloutAction.Hold, verdict.Action);
    }

    [Fact]
    public void A_healthy_percentage_stage_advances()
    {
        Assert.Equal(RolloutAction.Advance, Judge.Judge(Half, RequestEvidence(300, 0, 60), 200, true, false).Action);
    }

    [Fact]
    public void A_new_pipeline_much_slower_than_baseline_is_halved_then_rolled_back()
    {
        var slow = RequestEvidence(300, 0, 400);
        Assert.Equal(RolloutAction.Halve, Judge.Judge(Half, slow, 200, true, alreadyHalved: false).Action);
        Assert.Equal(RolloutAction.RollBack, Judge.Judge(Half, slow, 200, true, alreadyHalved: true).Action);
    }

    [Fact]
    public void Slightly_slower_is_neither_a_pass_nor_a_trigger()
    {
        var verdict = Judge.Judge(Half, RequestEvidence(300, 0, 75), 200, true, false);
        Assert.Equal(RolloutAction.Hold, verdict.Action);
        Assert.Contains("latency", verdict.Reason);
    }

    [Fact]
    public void The_generation_step_may_be_up_to_a_fifth_slower_while_other_steps_keep_the_requests_tenth()
    {
        // p95 about 89 ms against a baseline's 79 ms: 1.13 x, inside generation's 1.2 and outside the request's 1.1.
        var evidence = RequestEvidence(300, 0, treatmentLatency: 70);

        var generation = Judge.Judge(RolloutKind.Equivalence, Half, evidence, 200, true, false, completes: false, flag: Pipeline.Flags.MigrationFlags.WorkflowGeneration);
        var analysis = Judge.Judge(RolloutKind.Equivalence, Half, evidence, 200, true, false, completes: false, flag: Pipeline.Flags.MigrationFlags.WorkflowAnalysis);

        Assert.Equal(RolloutAction.Advance, generation.Action);
        Assert.Equal(1.2, generation.Evidence["latencyGate"]);
        Assert.Equal(RolloutAction.Hold, analysis.Action);
        Assert.Contains("p95 latency", analysis.Reason);
    }
}
