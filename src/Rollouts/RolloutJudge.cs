using System.Globalization;
using Microsoft.Extensions.Options;
using Pipeline.Persistence.Rollouts;
using Pipeline.Rollouts.Experiments;

namespace Pipeline.Rollouts;

/// <summary>
/// Decides a stage from its evidence (pure: no I/O). Contingency triggers act as soon as the evidence is significant;
/// gates are judged only once the stage has its minimum samples and dwell. A gate passes when the figure meets it and
/// no test shows the new pipeline significantly worse than the gate allows; when neither a pass nor a trigger is
/// established the result is inconclusive and the stage holds.
/// </summary>
public sealed class RolloutJudge(IOptions<RolloutOptions> options)
{
    /// <summary>Judges an equivalence stage (today's gates).</summary>
    public RolloutVerdict Judge(RolloutStage stage, StageEvidence evidence, int minSamples, bool dwellElapsed, bool alreadyHalved) =>
        Judge(RolloutKind.Equivalence, stage, evidence, minSamples, dwellElapsed, alreadyHalved, completes: false);

    /// <param name="completes">Advancing from this stage completes the rollout: an improvement must then be better beyond noise.</param>
    /// <param name="flag">The flag rolled out: a step flag has its own match-rate gate and trigger and may have its own latency gate.</param>
    public RolloutVerdict Judge(string kind, RolloutStage stage, StageEvidence evidence, int minSamples, bool dwellElapsed, bool alreadyHalved, bool completes,
        string? flag = null)
    {
        var o = options.Value;
        var (matchRateGate, matchRateTrigger) = o.MatchRatesFor(flag);
        var latencyGate = o.LatencyGateFor(flag);
        var z = RolloutStatistics.OneSidedQuantile(o.Significance);
        var facts = new Dictionary<string, object?>
        {
            ["stage"] = stage.ToString(),
            ["samples"] = evidence.Samples(stage),
            ["minSamples"] = minSamples,
            ["dwellElapsed"] = dwellElapsed,
            ["significance"] = o.Significance,
            ["kind"] = kind,
        };
        var improvement = kind == RolloutKind.Improvement;
        if (evidence.Blocked is { } blocked)
        {
            facts["blocked"] = blocked;
            return new(RolloutAction.Hold, $"blocked: {blocked}", facts);
        }

        // Match rate: only the shadow stage has both answers to compare.
        double matchRate = 0, matchLower = 0, matchUpper = 1;
        if (stage.IsShadow && evidence.Comparisons > 0)
        {
            matchRate = (double)evidence.Matches / evidence.Comparisons;
            (matchLower, matchUpper) = RolloutStatistics.WilsonBounds(evidence.Matches, evidence.Comparisons, z);
            facts["comparisons"] = evidence.Comparisons;
            facts["matchRate"] = matchRate;
            facts["matchRateBounds"] = new[] { matchLower, matchUpper };
            facts["matchRateGate"] = new { gate = matchRateGate, trigger = matchRateTrigger };
        }

        facts["latencyGate"] = latencyGate;

        var treatmentErrorRate = Rate(evidence.TreatmentErrors, evidence.TreatmentRequests);
        var controlErrorRate = Rate(evidence.ControlErrors, evidence.ControlRequests);
        var (errorLower, _) = RolloutStatistics.WilsonBounds(evidence.TreatmentErrors, evidence.TreatmentRequests, z);
        var errorWorseP = RolloutStatistics.ProportionGreaterPValue(evidence.TreatmentErrors, evidence.TreatmentRequests, evidence.ControlErrors, evidence.ControlRequests);
        facts["errorRate"] = new { treatment = treatmentErrorRate, control = controlErrorRate, treatmentLowerBound = errorLower, worsePValue = errorWorseP,
            treatmentRequests = evidence.TreatmentRequests, controlRequests = evidence.ControlRequests };

        var treatmentP95 = RolloutStatistics.Percentile(evidence.TreatmentLatencies, 0.95);
        var controlP95 = RolloutStatistics.Percentile(evidence.ControlLatencies, 0.95);
        var beyondTriggerP = RolloutStatistics.MannWhitneyGreaterPValue(evidence.TreatmentLatencies, evidence.ControlLatencies, o.LatencyTriggerFactor);
        var beyondGateP = RolloutStatistics.MannWhitneyGreaterPValue(evidence.TreatmentLatencies, evidence.ControlLatencies, latencyGate);
        facts["latencyP95"] = new { treatment = treatmentP95, control = controlP95, beyondGatePValue = beyondGateP, beyondTriggerPValue = beyondTriggerP };

        // Contingencies (the original design's §8.2): quality or a critical error rate → 0 % at once; latency → halve, then 0 %.
        var enough = Math.Min(minSamples, o.TriggerMinSamples);
        if (!improvement && stage.IsShadow && evidence.Comparisons >= enough && matchUpper < matchRateTrigger)
            return new(RolloutAction.RollBack, $"match rate {matchRate:P1} is significantly below {matchRateTrigger:P0}", facts);
        if (evidence.TreatmentRequests >= enough && errorLower > o.ErrorRateTrigger)
            return new(RolloutAction.RollBack, $"error rate {treatmentErrorRate:P1} is significantly above {o.ErrorRateTrigger:P0}", facts);
        if (evidence.TreatmentLatencies.Count >= enough && evidence.ControlLatencies.Count >= enough
            && treatmentP95 > o.LatencyTriggerFactor * controlP95 && beyondTriggerP < o.Significance)
        {
            var action = stage.IsShadow || alreadyHalved ? RolloutAction.RollBack : RolloutAction.Halve;
            return new(action, $"p95 latency {treatmentP95:F0} ms is significantly above {o.LatencyTriggerFactor} x baseline {controlP95:F0} ms", facts);
        }

        // Quality, improvement kind: a finished experiment in shadow, eval scores per pipeline at a percentage.
        MeanComparison? scores = null;
        if (improvement && stage.IsShadow)
        {
            if (evidence.Experiment is not { } experiment)
                return new(RolloutAction.Hold, "waiting: no finished experiment compares the new side with the old", facts);
            scores = experiment.Comparison;
            facts["experiment"] = new { id = experiment.Id, treatment = experiment.Treatment, control = experiment.Control, metric = experiment.Metric,
                finishedAt = experiment.FinishedAt, comparison = scores };
            if (scores.WorsePValue < o.Significance)
                return new(RolloutAction.RollBack, $"experiment {experiment.Id}: {experiment.Treatment} scores significantly below {experiment.Control} ({Describe(scores)})", facts);
        }
        else if (improvement)
        {
            scores = MeanComparison.OfIndependent(evidence.TreatmentScores ?? [], evidence.ControlScores ?? [], o.Significance);
            facts["evalScores"] = scores;
            if (scores.TreatmentCount >= enough && scores.ControlCount >= enough && scores.WorsePValue < o.Significance)
                return new(RolloutAction.RollBack, $"eval score of the new pipeline is significantly below the old one's ({Describe(scores)})", facts);
        }

        var scored = scores is null || stage.IsShadow || (scores.TreatmentCount >= minSamples && scores.ControlCount >= minSamples);
        if (evidence.Samples(stage) < minSamples || !dwellElapsed || !scored)
            return new(RolloutAction.Hold, "collecting: minimum samples or dwell not reached", facts);

        if (!improvement && stage.IsShadow && !(matchRate >= matchRateGate && matchLower >= matchRateTrigger))
            return new(RolloutAction.Hold, $"inconclusive: match rate {matchRate:P1} (lower bound {matchLower:P1}) does not establish the {matchRateGate:P0} gate", facts);
        if (!(treatmentErrorRate <= controlErrorRate + o.ErrorRateTolerance && errorWorseP >= o.Significance))
            return new(RolloutAction.Hold, $"inconclusive: error rate {treatmentErrorRate:P2} against baseline {controlErrorRate:P2}", facts);
        if (treatmentP95 is null || controlP95 is null)
            return new(RolloutAction.Hold, "inconclusive: no latency of one of the pipelines in this stage", facts);
        if (!(treatmentP95 <= latencyGate * controlP95 && beyondGateP >= o.Significance))
            return new(RolloutAction.Hold, $"inconclusive: p95 latency {treatmentP95:F0} ms against {latencyGate} x baseline {controlP95:F0} ms", facts);

        if (scores is null)
            return new(RolloutAction.Advance, "every gate holds", facts);
        if (completes && !(scores.BetterPValue < o.Significance))
            return new(RolloutAction.Hold, $"inconclusive: the new side is not yet better beyond noise ({Describe(scores)})", facts);
        return new(RolloutAction.Advance, completes
            ? $"the new side scores better beyond noise ({Describe(scores)}) and every gate holds"
            : $"the new side scores no worse than the old ({Describe(scores)}) and every gate holds", facts);
    }

    private static string Describe(MeanComparison c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.TreatmentMean:F3} vs {c.ControlMean:F3}, {c.Test} t = {(c.T is { } t ? t.ToString("F2", CultureInfo.InvariantCulture) : "n/a")}, p(worse) = {c.WorsePValue:F3}, p(better) = {c.BetterPValue:F3}, n = {c.TreatmentCount}/{c.ControlCount}");

    private static double Rate(int events, int trials) => trials == 0 ? 0 : (double)events / trials;
}
