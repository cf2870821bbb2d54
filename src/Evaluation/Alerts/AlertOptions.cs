using System.ComponentModel.DataAnnotations;

namespace Pipeline.Evaluation.Alerts;

/// <summary>Alert rules' thresholds and windows; the defaults are the original design's rules.</summary>
internal sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Fewer observations than this in a rule's window leave the rule unevaluated rather than firing on noise.</summary>
    [Range(1, 1_000_000)]
    public int MinSamples { get; set; } = 20;

    [Range(0.0, 1.0)]
    public double ErrorRateThreshold { get; set; } = 0.01;
    public TimeSpan ErrorRateWindow { get; set; } = TimeSpan.FromMinutes(5);

    [Range(1.0, 100.0)]
    public double LatencyFactor { get; set; } = 1.5;
    public TimeSpan LatencyWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The legacy pipeline's p95 over this window is the latency baseline, unless one is configured.</summary>
    public TimeSpan BaselineWindow { get; set; } = TimeSpan.FromHours(24);

    [Range(0.001, 3_600_000.0)]
    public double? LatencyBaselineMs { get; set; }

    [Range(0.0, 1.0)]
    public double CacheHitRateThreshold { get; set; } = 0.5;
    public TimeSpan CacheHitRateWindow { get; set; } = TimeSpan.FromMinutes(30);

    [Range(0.0, 1.0)]
    public double MatchRateThreshold { get; set; } = 0.95;
    public TimeSpan MatchRateWindow { get; set; } = TimeSpan.FromHours(1);
}
