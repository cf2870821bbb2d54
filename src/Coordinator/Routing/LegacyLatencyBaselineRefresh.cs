using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Platform.Hosting;
using Pipeline.Persistence;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Coordinator.Routing;

/// <summary>Recomputes <see cref="LegacyLatencyBaseline"/> from the served, non-fallback legacy requests of the last hour.</summary>
internal sealed class LegacyLatencyBaselineRefresh(
    PipelineDbContext db,
    LegacyLatencyBaseline baseline,
    IOptions<RoutingOptions> options,
    TimeProvider time) : IPeriodicJob
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime - Window;
        var durations = await db.Set<ChatRoutingState>().AsNoTracking()
            .Where(s => s.ServedAt != null && s.RequestedAt >= since && s.ServedPipeline == ChatPipeline.Legacy && !s.Fallback)
            .OrderByDescending(s => s.RequestedAt)
            .Take(options.Value.BaselineSampleLimit)
            .Select(s => s.ServedAt!.Value - s.RequestedAt)
            .ToListAsync(cancellationToken);
        // A quiet hour keeps the last observation instead of reverting the derived deadline to its default.
        if (durations.Count == 0)
            return;
        durations.Sort();
        baseline.Record(durations[(int)Math.Ceiling(0.95 * durations.Count) - 1]);
    }
}
