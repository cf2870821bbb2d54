using Microsoft.EntityFrameworkCore;
using Pipeline.Persistence;
using Pipeline.Persistence.Replays;
using Pipeline.Persistence.Routing;

namespace Pipeline.Api.Replays;

/// <summary>Measures replays from their requests' routing sagas: finished ones are done, failed ones are counted apart.</summary>
internal sealed class ReplayProgressQuery(PipelineDbContext db)
{
    private const string FailedState = ChatRoutingStates.Failed;

    public async Task<ReplayProgress?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var replay = await db.Set<Replay>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return replay is null ? null : (await MeasureAsync([replay], cancellationToken))[0];
    }

    /// <summary>The most recent replays, newest first.</summary>
    public async Task<IReadOnlyList<ReplayProgress>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        var replays = await db.Set<Replay>().AsNoTracking().OrderByDescending(r => r.CreatedAt).Take(limit).ToListAsync(cancellationToken);
        return await MeasureAsync(replays, cancellationToken);
    }

    private async Task<IReadOnlyList<ReplayProgress>> MeasureAsync(IReadOnlyList<Replay> replays, CancellationToken cancellationToken)
    {
        var ids = replays.Select(r => (Guid?)r.Id).ToList();
        var counts = await db.Set<ChatRoutingState>().AsNoTracking()
            .Where(s => ids.Contains(s.ReplayId) && s.FinishedAt != null)
            .GroupBy(s => s.ReplayId)
            .Select(g => new { ReplayId = g.Key!.Value, Done = g.Count(), Failed = g.Count(s => s.CurrentState == FailedState) })
            .ToDictionaryAsync(c => c.ReplayId, cancellationToken);
        return replays.Select(r =>
        {
            var (done, failed) = counts.TryGetValue(r.Id, out var c) ? (c.Done, c.Failed) : (0, 0);
            return new ReplayProgress(r.Id, done >= r.Total ? ReplayProgress.Completed : ReplayProgress.Running, r.Total, done, failed,
                r.From, r.To, r.FlagName, r.CreatedAt, r.CreatedBy);
        }).ToList();
    }
}
