using Microsoft.Extensions.Options;
using Pipeline.Evaluation.Alerts;
using Xunit;

namespace Pipeline.Components.Tests.Evaluation.Alerts;

/// <summary>The original design's four rules, judged only once a window holds enough observations.</summary>
public sealed class AlertRuleEvaluatorTests
{
    private static readonly AlertMeasurements Healthy = new(
        FinishedInErrorWindow: 500, ErrorRate: 0.002,
        ServedInLatencyWindow: 800, LatencyP95: 120,
        BaselineSamples: 10_000, BaselineP95: 100,
        ServedInCacheWindow: 2_000, CacheHitRate: 0.6,
        Comparisons: 300, MatchRate: 0.97);

    private static IReadOnlyList<AlertCondition> Evaluate(AlertMeasurements m, AlertOptions? options = null) =>
        new AlertRuleEvaluator(Options.Create(options ?? new AlertOptions())).Evaluate(m);

    private static AlertCondition Rule(IReadOnlyList<AlertCondition> conditions, string rule) => conditions.Single(c => c.Rule == rule);

    [Fact]
    public void A_healthy_system_fires_nothing_and_every_rule_is_judged()
    {
        var conditions = Evaluate(Healthy);
        Assert.Equal(4, conditions.Count);
        Assert.All(conditions, c => Assert.True(c.Evaluable && !c.Firing, c.Rule));
    }

    [Fact]
    public void Error_rate_above_one_percent_is_critical()
    {
        var condition = Rule(Evaluate(Healthy with { ErrorRate = 0.011 }), AlertRules.HighErrorRate);
        Assert.True(condition.Firing);
        Assert.Equal(AlertRules.Critical, condition.Severity);
        Assert.Equal(0.011, condition.Value);
    }

    [Fact]
    public void Latency_fires_above_one_and_a_half_times_the_legacy_baseline()
    {
        Assert.False(Rule(Evaluate(Healthy with { LatencyP95 = 150 }), AlertRules.HighLatency).Firing);
        var condition = Rule(Evaluate(Healthy with { LatencyP95 = 151 }), AlertRules.HighLatency);
        Assert.True(condition.Firing);
        Assert.Equal(150, condition.Threshold);
    }

    [Fact]
    public void A_configured_baseline_wins_over_the_observed_one()
    {
        var condition = Rule(Evaluate(Healthy with { LatencyP95 = 120 }, new AlertOptions { LatencyBaselineMs = 60 }), AlertRules.HighLatency);
        Assert.True(condition.Firing);
        Assert.Equal(90, condition.Threshold);
    }

    [Fact]
    public void Cache_and_match_rates_fire_below_their_floors()
    {
        var conditions = Evaluate(Healthy with { CacheHitRate = 0.49, MatchRate = 0.94 });
        Assert.Equal(AlertRules.Info, Rule(conditions, AlertRules.LowCacheHitRate) is { Firing: true } c ? c.Severity : "not firing");
        Assert.Equal(AlertRules.Warning, Rule(conditions, AlertRules.ShadowModeMismatch) is { Firing: true } m ? m.Severity : "not firing");
    }

    [Fact]
    public void Too_few_observations_leave_a_rule_unjudged_however_bad_the_rate()
    {
        var conditions = Evaluate(Healthy with
        {
            FinishedInErrorWindow = 19, ErrorRate = 1.0,
            ServedInLatencyWindow = 19, LatencyP95 = 10_000,
            ServedInCacheWindow = 19, CacheHitRate = 0,
            Comparisons = 19, MatchRate = 0,
        });
        Assert.All(conditions, c => Assert.False(c.Evaluable, c.Rule));
    }

    [Fact]
    public void No_legacy_baseline_and_none_configured_leaves_latency_unjudged()
    {
        Assert.False(Rule(Evaluate(Healthy with { BaselineSamples = 0, BaselineP95 = null }), AlertRules.HighLatency).Evaluable);
        Assert.False(Rule(Evaluate(Healthy with { Comparisons = 0, MatchRate = null }), AlertRules.ShadowModeMismatch).Evaluable);
    }
}
