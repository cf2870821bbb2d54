using Microsoft.EntityFrameworkCore;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Routing;

namespace Pipeline.Evaluation.Metrics;

/// <summary>
/// Cuts the recorded outcomes (<c>chat_routing_state</c> rows and <c>feature_flag_comparisons</c>, replays excluded) of a
/// window ending now into buckets, aggregating in SQL; buckets with nothing recorded are filled with zeros so charts keep time.
/// </summary>
public sealed class MetricsSeriesQuery(PipelineDbContext db, TimeProvider time)
{
    /// <summary>Upper bound on buckets per series: each is a point on a chart, and the grouping is computed per request.</summary>
    public const int MaxBuckets = 1_440;

    public async Task<MetricsSeries> SeriesAsync(string windowText, TimeSpan window, string stepText, TimeSpan step, CancellationToken cancellationToken)
    {
        var buckets = BucketCount(window, step);
        if (buckets is < 1 or > MaxBuckets)
            throw new ArgumentOutOfRangeException(nameof(step), $"A series has 1 to {MaxBuckets} buckets.");
        var count = (int)buckets;

        var to = time.GetUtcNow().UtcDateTime;
        var from = to - TimeSpan.FromTicks(step.Ticks * count);
        var traffic = await TrafficAsync(from, to, step, cancellationToken);
        var comparisons = (await ComparisonsAsync(from, to, step, cancellationToken)).ToDictionary(c => c.Bucket);
        var seconds = step.TotalSeconds;

        var series = new List<MetricsBucket>(count);
        for (var i = 0; i < count; i++)
        {
            var rows = traffic.Where(r => r.Bucket == i).ToList();
            var overall = rows.FirstOrDefault(r => r.Whole) ?? Row.Empty(i);
            // Requests not (yet) served have no pipeline: they count in the bucket, not in any pipeline's share.
            var pipelines = rows.Where(r => !r.Whole && r.Pipeline is not null).ToDictionary(
                r => r.Pipeline!.ToLowerInvariant(),
                r => new PipelineBucket(r.Requests, r.Served, Ratio(r.Served, overall.Served), r.P50, r.P95));
            comparisons.TryGetValue(i, out var pairs);
            series.Add(new MetricsBucket(
                from + TimeSpan.FromTicks(step.Ticks * i),
                overall.Requests,
                overall.Requests / seconds,
                overall.Served,
                overall.Failed,
                Ratio(overall.Failed, overall.Served + overall.Failed),
                Ratio(overall.Cached, overall.Served),
                overall.Cost,
                pipelines,
                pairs?.Total ?? 0,
                pairs is null || pairs.Total == 0 ? null : (double)pairs.Matched / pairs.Total));
        }

        return new MetricsSeries(windowText, stepText, from, to, series);
    }

    /// <summary>Buckets needed to cover the window; a partial last step counts as a whole one.</summary>
    public static long BucketCount(TimeSpan window, TimeSpan step) =>
        step <= TimeSpan.Zero ? long.MaxValue : (window.Ticks + step.Ticks - 1) / step.Ticks;

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private async Task<List<Row>> TrafficAsync(DateTime from, DateTime to, TimeSpan step, CancellationToken cancellationToken)
    {
        var table = StoreNames.Of<ChatRoutingState>(db).Table;
        const string bucket = "floor(extract(epoch FROM (requested_at - {0}))::float8 / {2}::float8)::int";
        var sql = $"""
            SELECT
              {bucket} AS bucket,
              grouping(served_pipeline) = 1 AS whole,
              served_pipeline AS pipeline,
              count(*)::int AS requests,
              count(*) FILTER (WHERE served_at IS NOT NULL)::int AS served,
              count(*) FILTER (WHERE current_state = 'Failed')::int AS failed,
              count(*) FILTER (WHERE served_at IS NOT NULL AND cached)::int AS cached,
              coalesce(sum(cost_usd) FILTER (WHERE served_at IS NOT NULL), 0)::float8 AS cost,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE latency_ms IS NOT NULL) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE latency_ms IS NOT NULL) AS p95
            FROM {table}
            WHERE requested_at >= {"{0}"} AND requested_at < {"{1}"} AND replay_id IS NULL
            GROUP BY GROUPING SETS (({bucket}), ({bucket}, served_pipeline))
            """;
        return await db.Database.SqlQueryRaw<Row>(sql, from, to, step.TotalSeconds).ToListAsync(cancellationToken);
    }

    private async Task<List<ComparisonRow>> ComparisonsAsync(DateTime from, DateTime to, TimeSpan step, CancellationToken cancellationToken)
    {
        var names = StoreNames.Of<Comparison>(db);
        var created = names.Column(nameof(Comparison.CreatedAt));
        var sql = $$"""
            SELECT
              floor(extract(epoch FROM ({{created}} - {0}))::float8 / {2}::float8)::int AS bucket,
              count(*)::int AS total,
              count(*) FILTER (WHERE {{names.Column(nameof(Comparison.Match))}})::int AS matched
            FROM {{names.Table}}
            WHERE {{created}} >= {0} AND {{created}} < {1}
              AND NOT {{names.Column(nameof(Comparison.NoiseSample))}} AND {{names.Column(nameof(Comparison.ReplayId))}} IS NULL
            GROUP BY 1
            """;
        return await db.Database.SqlQueryRaw<ComparisonRow>(sql, from, to, step.TotalSeconds).ToListAsync(cancellationToken);
    }

    /// <summary>A bucket's aggregate: the whole bucket's (<see cref="Whole"/>) or one served pipeline's.</summary>
    private sealed record Row(int Bucket, bool Whole, string? Pipeline, int Requests, int Served, int Failed, int Cached, double Cost, double? P50, double? P95)
    {
        public static Row Empty(int bucket) => new(bucket, true, null, 0, 0, 0, 0, 0, null, null);
    }

    /// <summary>A bucket's shadow comparisons.</summary>
    private sealed record ComparisonRow(int Bucket, int Total, int Matched);
}
