namespace Pipeline.Infrastructure.Answering;

/// <summary>
/// The new generation's order of sources, from the query analysis: an article lookup puts the named article's
/// passages first; a comparison takes passages regulation by regulation in turn (the named ones first, in the order
/// named), so the first sources — the ones a prompt keeps and a generator cites first — cover every side. Any other
/// question keeps retrieval's order.
/// </summary>
public static class AnalysisAwareSourceOrder
{
    /// <summary>Passages whose regulation is unknown (web pages) form a group of their own.</summary>
    private const string Unknown = "";

    public static IReadOnlyList<RetrievedPassage> Order(IReadOnlyList<RetrievedPassage> passages, QueryAnalysis analysis) => OrderingOf(analysis) switch
    {
        SourceOrdering.ArticleFirst => ArticleFirst(passages, analysis),
        SourceOrdering.RegulationByRegulation => RegulationByRegulation(passages, analysis.Regulations),
        _ => passages,
    };

    /// <summary>
    /// The same precedence as the analysis itself: a named article makes a lookup even when regulations are compared;
    /// a comparison is one by intent or by naming several regulations (what the legacy analysis can tell).
    /// </summary>
    public static SourceOrdering OrderingOf(QueryAnalysis analysis) =>
        analysis.ArticleNumbers.Count > 0 ? SourceOrdering.ArticleFirst
        : analysis.Intent == QueryIntent.Comparison || analysis.Regulations.Count > 1 ? SourceOrdering.RegulationByRegulation
        : SourceOrdering.Retrieval;

    private static List<RetrievedPassage> ArticleFirst(IReadOnlyList<RetrievedPassage> passages, QueryAnalysis analysis) =>
        // OrderBy is stable: within each rank, retrieval's order stands.
        passages.OrderBy(p => !analysis.ArticleNumbers.Contains(p.Source.ArticleNumber ?? -1) ? 2
                : analysis.Regulations.Count == 0 || IsNamed(p, analysis.Regulations) ? 0
                : 1)
            .ToList();

    private static List<RetrievedPassage> RegulationByRegulation(IReadOnlyList<RetrievedPassage> passages, IReadOnlyList<string> named)
    {
        var groups = passages
            .GroupBy(p => p.Regulation ?? Unknown, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => NamedPosition(g.Key, named))
            .Select(g => new Queue<RetrievedPassage>(g))
            .ToList();
        var ordered = new List<RetrievedPassage>(passages.Count);
        while (ordered.Count < passages.Count)
        {
            foreach (var group in groups.Where(g => g.Count > 0))
                ordered.Add(group.Dequeue());
        }

        return ordered;
    }

    /// <summary>Named regulations in the order named, then the others (GroupBy keeps their order of first appearance).</summary>
    private static int NamedPosition(string regulation, IReadOnlyList<string> named)
    {
        for (var i = 0; i < named.Count; i++)
        {
            if (string.Equals(named[i], regulation, StringComparison.OrdinalIgnoreCase))
                return i;
        }

        return named.Count;
    }

    private static bool IsNamed(RetrievedPassage passage, IReadOnlyList<string> regulations) =>
        passage.Regulation is { } regulation && regulations.Contains(regulation, StringComparer.OrdinalIgnoreCase);
}
