
namespace Pipeline.Evaluation.Alerts;

/// <summary>The rule names and severities alerts are published with.</summary>
public static class AlertRules
{
    public const string HighErrorRate = "high-error-rate";
    public const string HighLatency = "high-latency";
    public const string LowCacheHitRate = "low-cache-hit-rate";
    public const string ShadowModeMismatch = "shadow-mode-mismatch";

    public const string Critical = "critical";
    public const string Warning = "warning";
    public const string Info = "info";
}
