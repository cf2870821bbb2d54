using MathNet.Numerics.Distributions;

namespace Pipeline.Rollouts.Experiments;

/// <summary>
/// A t-test of the new side's mean score against the old side's: Welch's (unequal variances) for two independent
/// samples, as the requests each pipeline served in an A/B stage, or paired for two sides answering the same questions,
/// as an experiment's. One-sided p-values both ways and one-sided bounds of the difference at the same significance.
/// </summary>
/// <param name="Difference">Treatment mean minus control mean (for pairs: the mean of the per-question differences).</param>
/// <param name="WorsePValue">P-value of H1 "the new side scores lower"; 1 when there is too little data to test.</param>
/// <param name="BetterPValue">P-value of H1 "the new side scores higher"; 1 when there is too little data to test.</param>
/// <param name="T">The t statistic; null when undefined (fewer than two values a side, or no spread at all).</param>
/// <param name="Lower">One-sided lower bound of the difference; null when fewer than two values a side.</param>
public sealed record MeanComparison(
    string Test,
    int TreatmentCount,
    int ControlCount,
    double TreatmentMean,
    double ControlMean,
    double Difference,
    double? T,
    double DegreesOfFreedom,
    double WorsePValue,
    double BetterPValue,
    double? Lower,
    double? Upper)
{
    public const string Welch = "welch-t";
    public const string Paired = "paired-t";

    /// <summary>Welch's t-test of two independent samples; bounds are one-sided at <paramref name="significance"/>.</summary>
    public static MeanComparison OfIndependent(IReadOnlyList<double> treatment, IReadOnlyList<double> control, double significance)
    {
        var (meanT, varT) = MeanAndVariance(treatment);
        var (meanC, varC) = MeanAndVariance(control);
        var difference = meanT - meanC;
        if (treatment.Count < 2 || control.Count < 2)
            return Untestable(Welch, treatment.Count, control.Count, meanT, meanC, difference);
        var (a, b) = (varT / treatment.Count, varC / control.Count);
        var se = Math.Sqrt(a + b);
        var df = a + b == 0 ? treatment.Count + control.Count - 2 : (a + b) * (a + b) / (a * a / (treatment.Count - 1) + b * b / (control.Count - 1));
        return Tested(Welch, treatment.Count, control.Count, meanT, meanC, difference, se, df, significance);
    }

    /// <summary>A paired t-test on per-question (treatment, control) scores; bounds are one-sided at <paramref name="significance"/>.</summary>
    public static MeanComparison OfPairs(IReadOnlyList<(double Treatment, double Control)> pairs, double significance)
    {
        var differences = pairs.Select(p => p.Treatment - p.Control).ToList();
        var meanT = pairs.Count == 0 ? 0 : pairs.Average(p => p.Treatment);
        var meanC = pairs.Count == 0 ? 0 : pairs.Average(p => p.Control);
        var (meanD, varD) = MeanAndVariance(differences);
        if (pairs.Count < 2)
            return Untestable(Paired, pairs.Count, pairs.Count, meanT, meanC, meanD);
        return Tested(Paired, pairs.Count, pairs.Count, meanT, meanC, meanD, Math.Sqrt(varD / pairs.Count), pairs.Count - 1, significance);
    }

    private static MeanComparison Tested(string test, int nT, int nC, double meanT, double meanC, double difference, double se, double df, double significance)
    {
        if (se == 0)
        {
            // No spread at all: every pair (or every value) differs by exactly the same amount, which is then certain.
            var (worse, better) = difference < 0 ? (0.0, 1.0) : difference > 0 ? (1.0, 0.0) : (1.0, 1.0);
            return new(test, nT, nC, meanT, meanC, difference, null, df, worse, better, difference, difference);
        }

        var t = difference / se;
        var quantile = StudentT.InvCDF(0, 1, df, 1 - significance);
        return new(test, nT, nC, meanT, meanC, difference, t, df,
            StudentT.CDF(0, 1, df, t), 1 - StudentT.CDF(0, 1, df, t), difference - quantile * se, difference + quantile * se);
    }

    private static MeanComparison Untestable(string test, int nT, int nC, double meanT, double meanC, double difference) =>
        new(test, nT, nC, meanT, meanC, difference, null, 0, 1, 1, null, null);

    private static (double Mean, double Variance) MeanAndVariance(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            return (0, 0);
        var mean = values.Average();
        var variance = values.Count < 2 ? 0 : values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, variance);
    }
}
