
namespace Pipeline.Evaluation.Comparisons;

/// <summary>How new compared with old over a window (contract §3 summary), judged against the old pipeline's own noise.</summary>
public sealed record ComparisonSummary(
    int Count,
    double MatchRate,
    DistributionSummary TextSimilarity,
    double CitationsMatchRate,
    double SourcesMatchRate,
    LatencyComparison Latency,
    int Missing,
    NoiseFloor NoiseFloor);

/// <summary>Mean and 5th percentile of a score.</summary>
public sealed record DistributionSummary(double Mean, double P05);

/// <summary>Percentiles of one side's durations in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P95);

/// <summary>Old vs new durations.</summary>
public sealed record LatencyComparison(LatencySummary Old, LatencySummary New);

/// <summary>
/// The old pipeline compared with itself: the agreement no change could beat. A dimension regresses only when the
/// new-vs-old rate is below the noise rate by more than two standard errors.
/// </summary>
public sealed record NoiseFloor(
    int Count,
    double MatchRate,
    DistributionSummary TextSimilarity,
    double CitationsMatchRate,
    double SourcesMatchRate,
    NoiseVerdict RegressedBeyondNoise);

/// <summary>Per dimension: true when new-vs-old agreement is worse than the noise floor explains.</summary>
public sealed record NoiseVerdict(bool Match, bool Citations, bool Sources);
