using Microsoft.EntityFrameworkCore;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Routing;

namespace Pipeline.Evaluation.Metrics;

/// <summary>
/// Aggregates request outcomes recorded by the routing saga (<c>chat_routing_state</c>) over a window, in one SQL
/// round trip per grouping: the figures are what happened to real requests, not estimates from sampled counters.
/// </summary>
public sealed class TrafficSummaryQuery(PipelineDbContext db)
{
    private const double PerThousand = 1_000.0;

    public async Task<TrafficSummary> SummarizeAsync(DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var rows = await AggregateAsync(from, to, cancellationToken);
        var overall = Combine(rows);
        var pipelines = rows.Where(r => r.Pipeline is not null).ToDictionary(
            r => r.Pipeline!.ToLowerInvariant(),
            r => new PipelineTraffic(r.Requests, r.Served, r.Failed, Ratio(r.Served, overall.Served), Ratio(r.Failed, r.Served + r.Failed),
                new LatencyPercentiles(r.P50, r.P95, r.P99)));
        var seconds = Math.Max((to - from).TotalSeconds, 1);
        return new TrafficSummary(
            from, to, overall.Requests, overall.Served, overall.Failed, overall.Fallbacks,
            overall.Requests / seconds,
            Ratio(overall.Failed, overall.Served + overall.Failed),
            new LatencyPercentiles(overall.P50, overall.P95, overall.P99),
            pipelines,
            Ratio(overall.Cached, overall.Served),
            overall.Served == 0 ? 0 : overall.Cost / overall.Served * PerThousand,
            overall.Served == 0 ? 0 : (double)overall.InputTokens / overall.Served,
            overall.Served == 0 ? 0 : (double)overall.OutputTokens / overall.Served);
    }

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    /// <summary>The overall row is the one with no pipeline (GROUPING SETS); absent when the window is empty.</summary>
    private static Aggregate Combine(IReadOnlyList<Aggregate> rows) =>
        rows.FirstOrDefault(r => r.Pipeline is null) ?? new Aggregate(null, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null);

    private async Task<List<Aggregate>> AggregateAsync(DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var table = StoreNames.Of<ChatRoutingState>(db).Table;
        var sql = $"""
            SELECT
              served_pipeline AS pipeline,
              count(*)::int AS requests,
              count(*) FILTER (WHERE served_at IS NOT NULL)::int AS served,
              count(*) FILTER (WHERE current_state = 'Failed')::int AS failed,
              count(*) FILTER (WHERE fallback)::int AS fallbacks,
              count(*) FILTER (WHERE served_at IS NOT NULL AND cached)::int AS cached,
              coalesce(sum(cost_usd) FILTER (WHERE served_at IS NOT NULL), 0)::float8 AS cost,
              coalesce(sum(input_tokens) FILTER (WHERE served_at IS NOT NULL), 0)::bigint AS input_tokens,
              coalesce(sum(output_tokens) FILTER (WHERE served_at IS NOT NULL), 0)::bigint AS output_tokens,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE latency_ms IS NOT NULL) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE latency_ms IS NOT NULL) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE latency_ms IS NOT NULL) AS p99
            FROM {table}
            WHERE requested_at >= {"{0}"} AND requested_at < {"{1}"} AND replay_id IS NULL
            GROUP BY GROUPING SETS ((), (served_pipeline))
            """;
        return await db.Database.SqlQueryRaw<Aggregate>(sql, from, to).ToListAsync(cancellationToken);
    }

    /// <summary>One row of the aggregate: a pipeline's, or the whole window's when <see cref="Pipeline"/> is null.</summary>
    private sealed record Aggregate(
        string? Pipeline, int Requests, int Served, int Failed, int Fallbacks, int Cached, double Cost, long InputTokens, long OutputTokens,
        double? P50, double? P95, double? P99);
}
