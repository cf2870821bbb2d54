namespace Pipeline.KnowledgeBase.Quality;

/// <summary>The quality of one pipeline's answers to the golden dataset.</summary>
/// <param name="Questions">Questions answered.</param>
/// <param name="Ranked">Questions that expect sources (every one but the meta questions about the knowledge base); the ranked metrics are over these.</param>
/// <param name="HitAt1">Share of ranked questions whose first source answers them.</param>
/// <param name="HitAtK">Share whose first k sources hold an answering passage of every expected regulation (each side of a comparison).</param>
/// <param name="MeanReciprocalRank">Mean of 1 / the position of the first answering source (0 when none does).</param>
/// <param name="RightRegulationShare">Mean over ranked questions of the share of the first k sources that belong to an expected regulation (0 for no source).</param>
/// <param name="CitationPrecision">Share of all cited sources that answer their question; null when nothing was cited.</param>
/// <param name="FragmentSentences">Sentences of all answers a reader cannot follow (<see cref="Quality.FragmentSentences"/>).</param>
public sealed record QualityReport(
    int Questions,
    int Ranked,
    int K,
    double HitAt1,
    double HitAtK,
    double MeanReciprocalRank,
    double RightRegulationShare,
    double? CitationPrecision,
    int FragmentSentences,
    double LatencyP50Ms,
    double LatencyP95Ms);

/// <summary>The metric arithmetic of the quality benchmark: pure, over answers already collected.</summary>
public static class QualityMetrics
{
    public const int DefaultK = 5;

    public static QualityReport Score(IReadOnlyList<(GoldenQuestion Question, GoldenAnswer Answer)> results, int k = DefaultK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var ranked = results.Where(r => r.Question.Expected.Count > 0).ToList();
        int cited = 0, citedRight = 0;
        foreach (var (question, answer) in ranked)
        {
            foreach (var index in answer.CitedSources.Distinct())
            {
                if (index < 1 || index > answer.Sources.Count)
                    continue;
                cited++;
                if (question.IsAnsweredBy(answer.Sources[index - 1]))
                    citedRight++;
            }
        }

        return new QualityReport(
            results.Count,
            ranked.Count,
            k,
            Mean(ranked, r => r.Answer.Sources.Count > 0 && r.Question.IsAnsweredBy(r.Answer.Sources[0]) ? 1 : 0),
            Mean(ranked, r => CoversEveryRegulation(r.Question, r.Answer.Sources.Take(k).ToList()) ? 1 : 0),
            Mean(ranked, r => ReciprocalRank(r.Question, r.Answer.Sources)),
            Mean(ranked, r => RightRegulationShare(r.Question, r.Answer.Sources.Take(k).ToList())),
            cited == 0 ? null : (double)citedRight / cited,
            results.Sum(r => Quality.FragmentSentences.Count(r.Answer.Text)),
            Percentile(results.Select(r => r.Answer.LatencyMs).ToList(), 0.50),
            Percentile(results.Select(r => r.Answer.LatencyMs).ToList(), 0.95));
    }

    /// <summary>The nearest-rank percentile (the smallest value with at least <paramref name="quantile"/> of the values at or below it); 0 for none.</summary>
    public static double Percentile(IReadOnlyList<double> values, double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static bool CoversEveryRegulation(GoldenQuestion question, IReadOnlyList<AnsweredSource> sources) =>
        question.ExpectedRegulations.All(regulation => sources.Any(s =>
            string.Equals(s.Regulation, regulation, StringComparison.OrdinalIgnoreCase) && question.IsAnsweredBy(s)));

    private static double ReciprocalRank(GoldenQuestion question, IReadOnlyList<AnsweredSource> sources)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            if (question.IsAnsweredBy(sources[i]))
                return 1.0 / (i + 1);
        }

        return 0;
    }

    private static double RightRegulationShare(GoldenQuestion question, IReadOnlyList<AnsweredSource> sources) =>
        sources.Count == 0 ? 0 : (double)sources.Count(question.IsOfExpectedRegulation) / sources.Count;

    private static double Mean<T>(IReadOnlyList<T> items, Func<T, double> value) => items.Count == 0 ? 0 : items.Average(value);
}
