using Xunit;
using Pipeline.Rollouts.Experiments;

namespace Pipeline.Components.Tests.Rollouts.Experiments;

/// <summary>The t-tests improvement gates and experiments rest on, against values computed by hand and t tables.</summary>
public sealed class MeanComparisonTests
{
    [Fact]
    public void A_paired_test_of_differences_one_to_five_matches_the_hand_computation()
    {
        // Differences 1..5: mean 3, sd √2.5, se √0.5, t = 3 / √0.5 = 4.2426 on 4 degrees of freedom.
        var pairs = Enumerable.Range(1, 5).Select(d => (10.0 + d, 10.0)).ToList();
        var c = MeanComparison.OfPairs(pairs, 0.05);

        Assert.Equal(MeanComparison.Paired, c.Test);
        Assert.Equal(3, c.Difference, 9);
        Assert.Equal(4.2426, c.T!.Value, 4);
        Assert.Equal(4, c.DegreesOfFreedom);
        // t(4) one-sided: 3.747 at p = 0.01, 4.604 at p = 0.005.
        Assert.InRange(c.BetterPValue, 0.005, 0.01);
        Assert.Equal(1 - c.BetterPValue, c.WorsePValue, 9);
        // Lower bound: 3 - t(0.95; 4) × se = 3 - 2.1318 × 0.7071.
        Assert.Equal(3 - 2.1318 * Math.Sqrt(0.5), c.Lower!.Value, 3);
    }

    [Fact]
    public void Welch_uses_each_sides_own_variance_and_the_satterthwaite_degrees_of_freedom()
    {
        // Means 6 and 4, variances 1 and 14/3: se² = 1/3 + 2/3 = 1, t = 2, df = 1 / ((1/3)²/2 + (2/3)²/6) = 7.714.
        var c = MeanComparison.OfIndependent([5, 6, 7], [1, 2, 3, 4, 5, 6, 7], 0.05);

        Assert.Equal(MeanComparison.Welch, c.Test);
        Assert.Equal(2, c.T!.Value, 9);
        Assert.Equal(7.714, c.DegreesOfFreedom, 3);
        // t = 2 one-sided: p = 0.0429 on 7 and 0.0403 on 8 degrees of freedom.
        Assert.InRange(c.BetterPValue, 0.0403, 0.0429);
    }

    [Fact]
    public void Too_few_values_test_nothing_and_identical_sides_are_neither_better_nor_worse()
    {
        var few = MeanComparison.OfIndependent([0.9], [0.1, 0.2], 0.05);
        Assert.Equal((1.0, 1.0), (few.WorsePValue, few.BetterPValue));
        Assert.Null(few.T);

        var same = MeanComparison.OfPairs([(0.5, 0.5), (0.7, 0.7), (0.9, 0.9)], 0.05);
        Assert.Equal((1.0, 1.0), (same.WorsePValue, same.BetterPValue));
        Assert.Equal(0, same.Difference);
    }

    [Fact]
    public void A_constant_gain_on_every_question_is_certain()
    {
        var c = MeanComparison.OfPairs([(0.6, 0.5), (0.8, 0.7), (1.0, 0.9)], 0.05);
        Assert.Equal(0, c.BetterPValue);
        Assert.Equal(1, c.WorsePValue);
    }
}
