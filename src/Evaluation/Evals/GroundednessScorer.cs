using Microsoft.Extensions.Options;
using Pipeline.Answering.Text;
using Pipeline.Contracts;
using Pipeline.Answering;

namespace Pipeline.Evaluation.Evals;

/// <summary>
/// Groundedness in [0, 1]: the share of the answer's sentences that the retrieved text supports, a sentence being
/// supported when one retrieved passage contains enough of its content words. Sentences citing only sources whose text
/// is not known (web pages) cannot be checked and are left out rather than counted against the answer.
/// </summary>
public sealed class GroundednessScorer(IOptions<EvalOptions> options)
{
    /// <param name="sourceTexts">The retrieved text by source id, for the sources whose text is known.</param>
    public double Score(ChatAnswer answer, IReadOnlyDictionary<string, string> sourceTexts)
    {
        var passages = sourceTexts.Values.Select(TextStatistics.Terms).ToList();
        var counted = 0;
        var supported = 0;
        foreach (var sentence in TextStatistics.Sentences(answer.Text))
        {
            var terms = TextStatistics.Terms(CitationMarkers.Strip(sentence));
            if (terms.Count == 0)
                continue;
            if (CitesOnlyUncheckable(sentence, answer.Sources, sourceTexts))
                continue;

            counted++;
            if (passages.Any(p => TextStatistics.Overlap(terms, p) >= options.Value.SentenceSupportThreshold))
                supported++;
        }

        return counted == 0 ? 1.0 : (double)supported / counted;
    }

    private static bool CitesOnlyUncheckable(string sentence, IReadOnlyList<ChatSource> sources, IReadOnlyDictionary<string, string> texts)
    {
        var cited = CitationMarkers.Numbers(sentence).Where(n => n >= 1 && n <= sources.Count).Select(n => sources[n - 1]).ToList();
        return cited.Count > 0 && cited.All(s => !texts.ContainsKey(s.Id));
    }
}
