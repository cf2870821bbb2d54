
namespace Pipeline.Evaluation.Alerts;

/// <summary>What the rules look at, each over its own window; counts tell whether a rate means anything yet.</summary>
internal sealed record AlertMeasurements(
    int FinishedInErrorWindow,
    double ErrorRate,
    int ServedInLatencyWindow,
    double? LatencyP95,
    int BaselineSamples,
    double? BaselineP95,
    int ServedInCacheWindow,
    double CacheHitRate,
    int Comparisons,
    double? MatchRate);
