namespace Pipeline.Evaluation.Metrics;

/// <summary>Caller-observed latency percentiles in milliseconds; null when nothing was served.</summary>
public sealed record LatencyPercentiles(double? P50, double? P95, double? P99);

/// <summary>What one pipeline served over a window.</summary>
/// <param name="Share">Share of the window's served answers this pipeline served.</param>
public sealed record PipelineTraffic(int Requests, int Served, int Failed, double Share, double ErrorRate, LatencyPercentiles Latency);

/// <summary>Request outcomes over a window, aggregated from the routing saga's records (replays excluded).</summary>
/// <param name="Requests">Requests accepted in the window, finished or not.</param>
/// <param name="ErrorRate">Failed over finished (served or failed); a fallback that served the caller is not an error.</param>
/// <param name="CostPer1000Requests">Model cost in USD per 1,000 served answers.</param>
public sealed record TrafficSummary(
    DateTime From,
    DateTime To,
    int Requests,
    int Served,
    int Failed,
    int Fallbacks,
    double RequestRate,
    double ErrorRate,
    LatencyPercentiles Latency,
    IReadOnlyDictionary<string, PipelineTraffic> Pipelines,
    double CacheHitRate,
    double CostPer1000Requests,
    double InputTokensPerRequest,
    double OutputTokensPerRequest);
