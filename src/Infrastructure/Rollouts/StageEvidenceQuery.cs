using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Comparisons;
using Pipeline.Infrastructure.Persistence;
using Pipeline.Infrastructure.Routing;

namespace Pipeline.Infrastructure.Rollouts;

/// <summary>Loads a stage's <see cref="StageEvidence"/> since it began (replays and noise-floor samples excluded).</summary>
public sealed class StageEvidenceQuery(PipelineDbContext db, IOptions<RolloutOptions> options)
{
    private const string Completed = "completed";

    public Task<StageEvidence> LoadAsync(string flag, RolloutStage stage, DateTime since, CancellationToken cancellationToken) =>
        stage.IsShadow ? FromComparisonsAsync(flag, since, cancellationToken) : FromRequestsAsync(since, cancellationToken);

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
        const string failed = nameof(ChatRoutingStateMachine.Failed);
        return new StageEvidence(
            0, 0,
            treatment.Count, treatment.Count(r => r.Fallback || r.CurrentState == failed),
            control.Count, control.Count(r => r.CurrentState == failed),
            treatment.Where(r => !r.Fallback && r.LatencyMs is not null).Select(r => (double)r.LatencyMs!.Value).ToList(),
            control.Where(r => r.LatencyMs is not null).Select(r => (double)r.LatencyMs!.Value).ToList());
    }
}
