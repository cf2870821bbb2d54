using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Evals;
using Pipeline.Rollouts.Experiments;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Evals;
using Pipeline.Persistence.Experiments;
using Pipeline.Persistence.Rollouts;
using Pipeline.Persistence.Routing;

namespace Pipeline.Rollouts;

/// <summary>Loads a stage's <see cref="StageEvidence"/> since it began (replays and noise-floor samples excluded).</summary>
public sealed partial class StageEvidenceQuery(PipelineDbContext db, ExperimentReports experiments, IOptions<RolloutOptions> options)
{
    private static readonly string Completed = ComparisonNames.Of(ComparedOutcome.Completed);

    public async Task<StageEvidence> LoadAsync(string flag, string kind, RolloutStage stage, DateTime since, CancellationToken cancellationToken)
    {
        // A step flag's two sides are both the workflow: it needs the workflow to get traffic, and its own split of it.
        var step = MigrationFlags.WorkflowSteps.Contains(flag);
        var traffic = step ? await WorkflowTrafficAsync(flag, kind, stage, cancellationToken) : null;
        if (traffic?.Blocked is { } blocked)
            return new StageEvidence(0, 0, 0, 0, 0, 0, [], [], Blocked: blocked);
        var evidence = stage.IsShadow ? await FromComparisonsAsync(flag, since, cancellationToken)
            : traffic is not null ? await FromStepRunsAsync(flag, traffic, since, cancellationToken)
            : await FromRequestsAsync(since, cancellationToken);
        if (kind != RolloutKind.Improvement)
            return evidence;
        if (stage.IsShadow)
            return evidence with { Experiment = await experiments.LatestEvidenceAsync(flag, options.Value.ExperimentMetric, options.Value.Significance, cancellationToken) };
        var (treatment, control) = step ? await StepEvalScoresAsync(flag, since, cancellationToken) : await EvalScoresAsync(since, cancellationToken);
        return evidence with { TreatmentScores = treatment, ControlScores = control };
    }

    /// <summary>
    /// The overall eval scores of the answers each pipeline served since the stage began: the workflow's in on mode
    /// (fallbacks excluded: legacy wrote them), legacy's otherwise.
    /// </summary>
    private async Task<(IReadOnlyList<double> Treatment, IReadOnlyList<double> Control)> EvalScoresAsync(DateTime since, CancellationToken cancellationToken)
    {
        var workflow = AnswerEvaluator.PipelineName(ChatPipeline.Workflow);
        var legacy = AnswerEvaluator.PipelineName(ChatPipeline.Legacy);
        var scored = await (
                from s in db.Set<ChatRoutingState>().AsNoTracking()
                join e in db.Set<EvalResult>().AsNoTracking() on s.CorrelationId equals e.RequestId
                where s.RequestedAt >= since && s.ReplayId == null && e.Reason == EvalReasons.Sampled
                      && ((s.Mode == RoutingMode.Enabled && !s.Fallback && e.Pipeline == workflow) || (s.Mode != RoutingMode.Enabled && e.Pipeline == legacy))
                orderby s.RequestedAt descending
                select new { Treatment = s.Mode == RoutingMode.Enabled, e.CitationQuality, e.Groundedness, e.AnswerRelevance })
            .Take(options.Value.MaxSamples * 2)
            .ToListAsync(cancellationToken);
        List<double> Scores(bool treatment) => scored.Where(x => x.Treatment == treatment)
            .Select(x => EvalResult.Overall(x.CitationQuality, x.Groundedness, x.AnswerRelevance)).ToList();
        return (Scores(true), Scores(false));
    }

    private async Task<StageEvidence> FromComparisonsAsync(string flag, DateTime since, CancellationToken cancellationToken)
    {
        var pairs = await db.Set<Comparison>().AsNoTracking()
            .Where(c => c.FlagName == flag && !c.NoiseSample && c.ReplayId == null && c.CreatedAt >= since)
            .OrderByDescending(c => c.CreatedAt)
            .Take(options.Value.MaxSamples)
            .Select(c => new { c.Match, c.NewOutcome, c.OldDurationMs, c.NewDurationMs })
            .ToListAsync(cancellationToken);
        var answered = pairs.Where(p => p.NewOutcome == Completed && p.NewDurationMs is not null).ToList();
        return new StageEvidence(
            pairs.Count, pairs.Count(p => p.Match),
            pairs.Count, pairs.Count(p => p.NewOutcome != Completed),
            pairs.Count, 0,
            answered.Select(p => (double)p.NewDurationMs!.Value).ToList(),
            pairs.Select(p => (double)p.OldDurationMs).ToList());
    }

    private async Task<StageEvidence> FromRequestsAsync(DateTime since, CancellationToken cancellationToken)
    {
        var requests = await db.Set<ChatRoutingState>().AsNoTracking()
            .Where(s => s.RequestedAt >= since && s.ReplayId == null && s.FinishedAt != null)
            .OrderByDescending(s => s.RequestedAt)
            .Take(options.Value.MaxSamples * 2)
            .Select(s => new { s.Mode, s.Fallback, s.CurrentState, s.LatencyMs })
            .ToListAsync(cancellationToken);
        var treatment = requests.Where(r => r.Mode == RoutingMode.Enabled).ToList();
        var control = requests.Where(r => r.Mode != RoutingMode.Enabled).ToList();
        const string failed = ChatRoutingStates.Failed;
        return new StageEvidence(
            0, 0,
            treatment.Count, treatment.Count(r => r.Fallback || r.CurrentState == failed),
            control.Count, control.Count(r => r.CurrentState == failed),
            treatment.Where(r => !r.Fallback && r.LatencyMs is not null).Select(r => (double)r.LatencyMs!.Value).ToList(),
            control.Where(r => r.LatencyMs is not null).Select(r => (double)r.LatencyMs!.Value).ToList());
    }
}
