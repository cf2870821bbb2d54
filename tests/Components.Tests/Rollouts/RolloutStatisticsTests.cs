using Pipeline.Rollouts;
using Xunit;

namespace Pipeline.Components.Tests.Rollouts;

/// <summary>The tests rollout decisions rest on, against values computed by hand or known from tables.</summary>
public sealed class RolloutStatisticsTests
{
    [Fact]
    public void The_normal_quantile_and_cdf_agree_with_the_tables()
    {
        Assert.Equal(0.95, RolloutStatistics.NormalCdf(1.6449), 4);
        Assert.Equal(0.5, RolloutStatistics.NormalCdf(0), 6);
        Assert.Equal(0.025, RolloutStatistics.NormalCdf(-1.96), 4);
        Assert.Equal(1.645, RolloutStatistics.OneSidedQuantile(0.05), 3);
    }

    [Fact]
    public void Wilson_bounds_of_all_successes_need_about_fifty_trials_to_clear_ninety_five_percent()
    {
        // p = 1: lower = n / (n + z²); with z = 1.645 that passes 0.95 from n = 52.
        Assert.True(RolloutStatistics.WilsonBounds(51, 51, 1.645).Lower < 0.95);
        Assert.True(RolloutStatistics.WilsonBounds(52, 52, 1.645).Lower > 0.95);
        Assert.Equal(52 / (52 + 1.645 * 1.645), RolloutStatistics.WilsonBounds(52, 52, 1.645).Lower, 9);
        var (lower, upper) = RolloutStatistics.WilsonBounds(40, 100, 1.645);
        Assert.True(lower < 0.4 && 0.4 < upper);
    }

    [Fact]
    public void A_higher_error_rate_is_significant_only_with_enough_evidence()
    {
        Assert.True(RolloutStatistics.ProportionGreaterPValue(10, 100, 1, 100) < 0.01);
        Assert.True(RolloutStatistics.ProportionGreaterPValue(2, 20, 1, 20) > 0.05);
        Assert.Equal(1, RolloutStatistics.ProportionGreaterPValue(0, 100, 0, 100));
    }

    [Fact]
    public void Mann_whitney_detects_a_shift_and_respects_the_tolerance_factor()
    {
        var random = new Random(7);
        var baseline = Enumerable.Range(0, 200).Select(_ => 50 + random.NextDouble() * 20).ToList();
        var same = Enumerable.Range(0, 200).Select(_ => 50 + random.NextDouble() * 20).ToList();
        var slower = same.Select(v => v * 2).ToList();

        Assert.True(RolloutStatistics.MannWhitneyGreaterPValue(same, baseline) > 0.05);
        Assert.True(RolloutStatistics.MannWhitneyGreaterPValue(slower, baseline) < 0.001);
        // Twice as slow is not significantly beyond 2.5 x the baseline.
        Assert.True(RolloutStatistics.MannWhitneyGreaterPValue(slower, baseline, 2.5) > 0.05);
    }

    [Fact]
    public void Percentiles_interpolate_as_postgresql_does()
    {
        Assert.Equal(2.5, RolloutStatistics.Percentile([1, 2, 3, 4], 0.5));
        Assert.Equal(3.85, RolloutStatistics.Percentile([1, 2, 3, 4], 0.95)!.Value, 9);
        Assert.Null(RolloutStatistics.Percentile([], 0.5));
    }
}
