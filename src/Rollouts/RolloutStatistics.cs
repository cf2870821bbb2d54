
namespace Pipeline.Rollouts;

/// <summary>
/// The tests a rollout decision rests on: Wilson score bounds for a rate, a two-proportion z-test for "the new error
/// rate is higher", and a Mann-Whitney U test for "the new latencies are larger" (as Kayenta judges canaries), each
/// one-sided with a normal approximation.
/// </summary>
internal static class RolloutStatistics
{
    /// <summary>One-sided bounds of a binomial rate (Wilson score interval), z the one-sided quantile.</summary>
    public static (double Lower, double Upper) WilsonBounds(int successes, int trials, double z)
    {
        if (trials <= 0)
            return (0, 1);
        var p = (double)successes / trials;
        var z2 = z * z;
        var denominator = 1 + z2 / trials;
        var centre = (p + z2 / (2 * trials)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>P-value of H1 "rate A is greater than rate B" (pooled two-proportion z-test); 1 when nothing differs.</summary>
    public static double ProportionGreaterPValue(int eventsA, int trialsA, int eventsB, int trialsB)
    {
        if (trialsA == 0 || trialsB == 0)
            return 1;
        var pooled = (double)(eventsA + eventsB) / (trialsA + trialsB);
        var variance = pooled * (1 - pooled) * (1.0 / trialsA + 1.0 / trialsB);
        if (variance <= 0)
            return 1;
        var z = ((double)eventsA / trialsA - (double)eventsB / trialsB) / Math.Sqrt(variance);
        return 1 - NormalCdf(z);
    }

    /// <summary>
    /// P-value of H1 "values in <paramref name="a"/> tend to exceed <paramref name="b"/> scaled by <paramref name="factor"/>"
    /// (Mann-Whitney U, tie-corrected, continuity-corrected normal approximation).
    /// </summary>
    public static double MannWhitneyGreaterPValue(IReadOnlyList<double> a, IReadOnlyList<double> b, double factor = 1.0)
    {
        int n1 = a.Count, n2 = b.Count;
        if (n1 == 0 || n2 == 0)
            return 1;
        var all = new (double Value, bool FromA)[n1 + n2];
        for (var i = 0; i < n1; i++)
            all[i] = (a[i], true);
        for (var i = 0; i < n2; i++)
            all[n1 + i] = (b[i] * factor, false);
        Array.Sort(all, (x, y) => x.Value.CompareTo(y.Value));

        double rankSumA = 0, tieTerm = 0;
        for (var start = 0; start < all.Length;)
        {
            var end = start;
            while (end + 1 < all.Length && all[end + 1].Value == all[start].Value)
                end++;
            var rank = (start + end) / 2.0 + 1;
            var ties = end - start + 1;
            tieTerm += (double)ties * ties * ties - ties;
            for (var i = start; i <= end; i++)
                if (all[i].FromA)
                    rankSumA += rank;
            start = end + 1;
        }

        var n = n1 + n2;
        var u = rankSumA - n1 * (n1 + 1) / 2.0;
        var mean = n1 * (double)n2 / 2;
        var variance = n1 * (double)n2 / 12 * (n + 1 - tieTerm / (n * (double)(n - 1)));
        if (variance <= 0)
            return 1;
        var z = (u - mean - 0.5) / Math.Sqrt(variance);
        return 1 - NormalCdf(z);
    }

    /// <summary>Linear-interpolation percentile (as PostgreSQL's percentile_cont); null for no values.</summary>
    public static double? Percentile(IReadOnlyList<double> values, double fraction)
    {
        if (values.Count == 0)
            return null;
        var sorted = values.Order().ToArray();
        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    /// <summary>Standard normal CDF (Abramowitz and Stegun 7.1.26 for erf; absolute error below 1.5e-7).</summary>
    public static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /// <summary>The one-sided standard normal quantile for a significance level (bisection on <see cref="NormalCdf"/>).</summary>
    public static double OneSidedQuantile(double significance)
    {
        double low = 0, high = 10;
        for (var i = 0; i < 100; i++)
        {
            var mid = (low + high) / 2;
            if (1 - NormalCdf(mid) > significance)
                low = mid;
            else
                high = mid;
        }

        return (low + high) / 2;
    }
}
