using Pipeline.KnowledgeBase.Questions;
using Pipeline.KnowledgeBase;

namespace Pipeline.Answering;

/// <summary>
/// The new generation's order of sources, from the query analysis: an article lookup puts the named article's
/// passages first; a comparison takes passages regulation by regulation in turn (the named ones first, in the order
/// named), so the first sources — the ones a prompt keeps and a generator cites first — cover every side. Any other
/// question keeps retrieval's order. In every case a passage whose parallel text in the question's language is also
/// among the sources (the same article of the same act) gives way to it, so the answer reads in one language.
/// </summary>
internal static class AnalysisAwareSourceOrder
{
    /// <summary>Passages whose regulation is unknown (web pages) form a group of their own.</summary>
    private const string Unknown = "";

    public static IReadOnlyList<RetrievedPassage> Order(IReadOnlyList<RetrievedPassage> passages, QueryAnalysis analysis)
    {
        var inLanguage = InQuestionLanguage(passages, analysis.Language);
        return OrderingOf(analysis) switch
        {
            SourceOrdering.ArticleFirst => ArticleFirst(inLanguage, analysis),
            SourceOrdering.RegulationByRegulation => RegulationByRegulation(inLanguage, analysis.Regulations),
            _ => inLanguage,
        };
    }

    /// <summary>
    /// Each passage takes the place of the first passage of its article (any language) when it is in the question's
    /// language and that one is not; the passages in the other language follow all the rest, in their order.
    /// </summary>
    private static IReadOnlyList<RetrievedPassage> InQuestionLanguage(IReadOnlyList<RetrievedPassage> passages, string language)
    {
        static (string?, int)? ArticleOf(RetrievedPassage p) =>
            p.Regulation is { } regulation && p.Source.ArticleNumber is { } article ? (regulation.ToUpperInvariant(), article) : null;

        var languages = passages.Select(p => LanguageGuesser.Guess(p.Text)).ToList();
        var translated = passages
            .Where((p, i) => languages[i] == language && ArticleOf(p) is not null)
            .Select(p => ArticleOf(p)!.Value)
            .ToHashSet();
        var displaced = new List<RetrievedPassage>();
        var kept = new List<RetrievedPassage>(passages.Count);
        var promoted = new HashSet<RetrievedPassage>();
        for (var i = 0; i < passages.Count; i++)
        {
            var passage = passages[i];
            if (promoted.Contains(passage))
                continue;
            if (languages[i] != language && ArticleOf(passage) is { } article && translated.Contains(article))
            {
                // Its parallel comes up to this rank, the first time its article appears.
                var parallel = passages.Where((p, j) => j > i && languages[j] == language && ArticleOf(p) == article && !promoted.Contains(p)).FirstOrDefault();
                if (parallel is not null)
                {
                    kept.Add(parallel);
                    promoted.Add(parallel);
                }

                displaced.Add(passage);
                continue;
            }

            kept.Add(passage);
        }

        kept.AddRange(displaced);
        return kept;
    }

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
