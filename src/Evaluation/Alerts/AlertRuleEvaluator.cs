using Microsoft.Extensions.Options;

namespace Pipeline.Evaluation.Alerts;

/// <summary>Judges the original design's four alert rules against measurements (pure: no I/O).</summary>
internal sealed class AlertRuleEvaluator(IOptions<AlertOptions> options)
{
    public IReadOnlyList<AlertCondition> Evaluate(AlertMeasurements m)
    {
        var o = options.Value;
        var baseline = o.LatencyBaselineMs ?? (m.BaselineSamples >= o.MinSamples ? m.BaselineP95 : null);
        var latencyThreshold = baseline is { } b ? b * o.LatencyFactor : 0;
        return
        [
            new(AlertRules.HighErrorRate, AlertRules.Critical,
                m.ErrorRate > o.ErrorRateThreshold, m.FinishedInErrorWindow >= o.MinSamples, m.ErrorRate, o.ErrorRateThreshold),
            new(AlertRules.HighLatency, AlertRules.Warning,
                m.LatencyP95 > latencyThreshold, baseline is not null && m.LatencyP95 is not null && m.ServedInLatencyWindow >= o.MinSamples,
                m.LatencyP95 ?? 0, latencyThreshold),
            new(AlertRules.LowCacheHitRate, AlertRules.Info,
                m.CacheHitRate < o.CacheHitRateThreshold, m.ServedInCacheWindow >= o.MinSamples, m.CacheHitRate, o.CacheHitRateThreshold),
            new(AlertRules.ShadowModeMismatch, AlertRules.Warning,
                m.MatchRate < o.MatchRateThreshold, m.MatchRate is not null && m.Comparisons >= o.MinSamples, m.MatchRate ?? 0, o.MatchRateThreshold),
        ];
    }
}
