namespace Pipeline.Evaluation.Metrics;

/// <summary>What one pipeline served in a time bucket: its share of the bucket's served answers and its latency percentiles (ms).</summary>
public sealed record PipelineBucket(int Requests, int Served, double Share, double? P50, double? P95);

/// <summary>One time bucket of recorded outcomes (replays excluded); rates are 0 and percentiles null when nothing happened.</summary>
/// <param name="Start">Inclusive start of the bucket (UTC); it ends where the next one starts.</param>
/// <param name="RequestRate">Requests accepted per second over the bucket.</param>
/// <param name="ErrorRate">Failed over finished (served or failed).</param>
/// <param name="CostUsd">Model cost of the answers served in the bucket.</param>
/// <param name="MatchRate">Share of the bucket's shadow comparisons (noise samples excluded) that matched; null when there were none.</param>
public sealed record MetricsBucket(
    DateTime Start,
    int Requests,
    double RequestRate,
    int Served,
    int Failed,
    double ErrorRate,
    double CacheHitRate,
    double CostUsd,
    IReadOnlyDictionary<string, PipelineBucket> Pipelines,
    int Comparisons,
    double? MatchRate);

/// <summary>Recorded outcomes over a window cut into equal buckets, oldest first, for the dashboard's charts.</summary>
public sealed record MetricsSeries(string Window, string Step, DateTime From, DateTime To, IReadOnlyList<MetricsBucket> Buckets);
