using Pipeline.Contracts;
using Pipeline.Answering;

namespace Pipeline.Evaluation.Evals;

/// <summary>
/// Rule-based citation quality in [0, 1]: the share of the answer's markers that point at one of its sources, times
/// the share of its sources that some marker uses. A perfectly cited answer scores 1; a marker pointing nowhere or a
/// source never cited pulls it down.
/// </summary>
public sealed class CitationQualityScorer
{
    public double Score(ChatAnswer answer)
    {
        var markers = CitationMarkers.Numbers(answer.Text);
        var sourceCount = answer.Sources.Count;
        if (markers.Count == 0)
            return sourceCount == 0 ? 1.0 : 0.0; // No sources and no claims about them is consistent; sources never cited are not.

        var mapped = markers.Count(n => n >= 1 && n <= sourceCount);
        var precision = (double)mapped / markers.Count;
        if (sourceCount == 0)
            return 0.0;
        var used = markers.Where(n => n >= 1 && n <= sourceCount).Distinct().Count();
        var recall = (double)used / sourceCount;
        return precision * recall;
    }
}
