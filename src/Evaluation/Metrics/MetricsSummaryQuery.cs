using Microsoft.EntityFrameworkCore;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Persistence;
using Pipeline.Persistence.Flags;
using Pipeline.Flags;

namespace Pipeline.Evaluation.Metrics;

/// <summary>Builds <see cref="MetricsSummary"/> for a window ending now.</summary>
public sealed class MetricsSummaryQuery(PipelineDbContext db, TrafficSummaryQuery traffic, ComparisonSummaryQuery comparisons, TimeProvider time)
{
    public async Task<MetricsSummary> SummarizeAsync(string windowText, TimeSpan window, CancellationToken cancellationToken)
    {
        var to = time.GetUtcNow().UtcDateTime;
        var from = to - window;
        var outcomes = await traffic.SummarizeAsync(from, to, cancellationToken);
        var flags = await db.Set<FeatureFlag>().AsNoTracking().OrderBy(f => f.Name)
            .Select(f => new FlagRollout(f.Name, f.Status, f.RolloutPercentage, f.Parent))
            .ToListAsync(cancellationToken);
        var pairs = await comparisons.SummarizeAsync(null, from, cancellationToken);
        return new MetricsSummary(windowText, outcomes, flags, new ComparisonRate(pairs.Count, pairs.Count == 0 ? null : pairs.MatchRate));
    }
}
