using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Evaluation.Evals;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Evals;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Rollouts;
using Pipeline.Persistence.Routing;
using Pipeline.Flags;

namespace Pipeline.Rollouts;

/// <summary>
/// A step flag's evidence at a percentage: the workflow's runs since the stage began, split by whether the step flag was
/// on in the run (as its worker reported it, <see cref="ChatRoutingState.WorkflowSteps"/>). With the routing flag on,
/// the requests the workflow served (a fallback or a failed request is an error on either side, caller latency); with
/// it in shadow, the workflow's shadow runs as the routing flag's comparisons recorded them (a failed or missing run is
/// an error, the workflow's own time). A run that reported nothing (it missed its deadline before its worker answered)
/// cannot be told to a side and is left out.
/// </summary>
public sealed partial class StageEvidenceQuery
{
    /// <summary>Where a step flag's evidence comes from: its routing flag, whether that only shadows, or why there is none.</summary>
    private sealed record WorkflowTraffic(string Routing, bool Shadow, string? Blocked);

    private Task<StageEvidence> FromStepRunsAsync(string flag, WorkflowTraffic traffic, DateTime since, CancellationToken cancellationToken) =>
        traffic.Shadow ? FromStepShadowRunsAsync(flag, traffic.Routing, since, cancellationToken) : FromStepRequestsAsync(flag, since, cancellationToken);

    private async Task<StageEvidence> FromStepShadowRunsAsync(string flag, string routing, DateTime since, CancellationToken cancellationToken)
    {
        var runs = await (
                from c in db.Set<Comparison>().AsNoTracking()
                join s in db.Set<ChatRoutingState>().AsNoTracking() on c.RequestId equals s.CorrelationId
                where c.FlagName == routing && !c.NoiseSample && c.ReplayId == null && c.CreatedAt >= since
                      && s.Mode == RoutingMode.Shadow && s.WorkflowSteps != null
                orderby c.CreatedAt descending
                select new { On = s.WorkflowSteps!.Contains(flag), c.NewOutcome, c.NewDurationMs })
            .Take(options.Value.MaxSamples * 2)
            .ToListAsync(cancellationToken);
        return SplitByStep(runs, r => r.On, r => r.NewOutcome != Completed, r => r.NewOutcome == Completed ? r.NewDurationMs : null);
    }

    private async Task<StageEvidence> FromStepRequestsAsync(string flag, DateTime since, CancellationToken cancellationToken)
    {
        var requests = await db.Set<ChatRoutingState>().AsNoTracking()
            .Where(s => s.RequestedAt >= since && s.ReplayId == null && s.FinishedAt != null && s.Mode == RoutingMode.Enabled && s.WorkflowSteps != null)
            .OrderByDescending(s => s.RequestedAt)
            .Take(options.Value.MaxSamples * 2)
            .Select(s => new { On = s.WorkflowSteps!.Contains(flag), s.Fallback, s.CurrentState, s.LatencyMs })
            .ToListAsync(cancellationToken);
        const string failed = ChatRoutingStates.Failed;
        return SplitByStep(requests, r => r.On, r => r.Fallback || r.CurrentState == failed, r => r.Fallback ? null : r.LatencyMs);
    }

    /// <summary>
    /// Evidence from the workflow's runs split by whether the step was on in each: runs, errors and the latencies of
    /// those with one (<paramref name="latency"/> null leaves a run's time out).
    /// </summary>
    private static StageEvidence SplitByStep<T>(IReadOnlyList<T> runs, Func<T, bool> on, Func<T, bool> error, Func<T, long?> latency)
    {
        var treatment = runs.Where(on).ToList();
        var control = runs.Where(r => !on(r)).ToList();
        static List<double> Latencies(List<T> side, Func<T, long?> latency) =>
            side.Select(latency).Where(ms => ms is not null).Select(ms => (double)ms!.Value).ToList();
        return new StageEvidence(
            0, 0,
            treatment.Count, treatment.Count(error),
            control.Count, control.Count(error),
            Latencies(treatment, latency),
            Latencies(control, latency));
    }

    /// <summary>The overall eval scores of the workflow's served answers since the stage began, with the step on and off.</summary>
    private async Task<(IReadOnlyList<double> Treatment, IReadOnlyList<double> Control)> StepEvalScoresAsync(string flag, DateTime since, CancellationToken cancellationToken)
    {
        var workflow = AnswerEvaluator.PipelineName(ChatPipeline.Workflow);
        var scored = await (
                from s in db.Set<ChatRoutingState>().AsNoTracking()
                join e in db.Set<EvalResult>().AsNoTracking() on s.CorrelationId equals e.RequestId
                where s.RequestedAt >= since && s.ReplayId == null && e.Reason == EvalReasons.Sampled && e.Pipeline == workflow
                      && s.Mode == RoutingMode.Enabled && !s.Fallback && s.WorkflowSteps != null
                orderby s.RequestedAt descending
                select new { On = s.WorkflowSteps!.Contains(flag), e.CitationQuality, e.Groundedness, e.AnswerRelevance })
            .Take(options.Value.MaxSamples * 2)
            .ToListAsync(cancellationToken);
        List<double> Scores(bool on) => scored.Where(x => x.On == on)
            .Select(x => EvalResult.Overall(x.CitationQuality, x.Groundedness, x.AnswerRelevance)).ToList();
        return (Scores(true), Scores(false));
    }

    /// <summary>
    /// Where a step flag's stage gets its evidence, and why it cannot when it cannot: the workflow must run (its routing
    /// flag in shadow or on), and an improvement's percentage stage needs it to serve (on), since only served answers are
    /// evaluated. Read from the stored flags: the step flag's ancestors.
    /// </summary>
    private async Task<WorkflowTraffic> WorkflowTrafficAsync(string flag, string kind, RolloutStage stage, CancellationToken cancellationToken)
    {
        var flags = await db.Set<FeatureFlag>().AsNoTracking()
            .Select(f => new { f.Name, f.Parent, f.Status, f.RolloutPercentage })
            .ToDictionaryAsync(f => f.Name, cancellationToken);
        if (!flags.TryGetValue(flag, out var step) || step.Parent is not { } routing || !flags.TryGetValue(routing, out var parent))
            return new("", false, $"'{flag}' has no routing flag above it, so nothing sends requests to the workflow");
        var shadow = parent.Status == FlagStatus.Shadow;
        if (parent.Status == FlagStatus.Disabled)
            return new(routing, shadow, $"the routing flag '{routing}' is disabled, so the workflow runs no requests to judge '{flag}' on");
        var above = parent.Parent;
        while (above is not null && flags.TryGetValue(above, out var ancestor))
        {
            if (ancestor.Status == FlagStatus.Disabled)
                return new(routing, shadow, $"'{above}' above the routing flag '{routing}' is disabled, so the workflow runs no requests to judge '{flag}' on");
            above = ancestor.Parent;
        }

        if (parent.RolloutPercentage is 0)
            return new(routing, shadow, $"the routing flag '{routing}' is at 0 %, so the workflow runs no requests to judge '{flag}' on");
        if (!stage.IsShadow && shadow && kind == RolloutKind.Improvement)
            return new(routing, shadow, $"the routing flag '{routing}' is in shadow, so the workflow serves no requests: an improvement's percentage stage compares the eval scores of the answers the workflow served with the step on and off");
        return new(routing, shadow, null);
    }
}
