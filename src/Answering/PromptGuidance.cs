using Pipeline.KnowledgeBase.Questions;
using System.Globalization;

namespace Pipeline.Answering;

/// <summary>
/// The new generation's extra instruction, from the query analysis: it tells a model why the sources come in the
/// order <see cref="AnalysisAwareSourceOrder"/> gave them and what the answer must cover.
/// </summary>
internal static class PromptGuidance
{
    private const string ArticleLookup = "The question asks about article {0}{1}: the sources quoting it come first; answer from them before any other.";
    private const string Comparison = "The question compares {0}: the sources alternate between them; cite each of them and say how they differ.";
    private const string UnnamedRegulations = "regulations";
    private const string Of = " of the ";

    /// <summary>The instruction for <paramref name="analysis"/>; null when retrieval's order needs no explaining.</summary>
    public static string? For(QueryAnalysis analysis) => AnalysisAwareSourceOrder.OrderingOf(analysis) switch
    {
        SourceOrdering.ArticleFirst => string.Format(CultureInfo.InvariantCulture, ArticleLookup,
            string.Join(", ", analysis.ArticleNumbers), analysis.Regulations.Count > 0 ? Of + string.Join(", ", analysis.Regulations) : ""),
        SourceOrdering.RegulationByRegulation => string.Format(CultureInfo.InvariantCulture, Comparison,
            analysis.Regulations.Count > 0 ? string.Join(" and ", analysis.Regulations) : UnnamedRegulations),
        _ => null,
    };
}
