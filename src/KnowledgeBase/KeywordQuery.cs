using System.Text;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// Builds a PostgreSQL <c>tsquery</c> that matches any significant word of a question (OR), with prefix matching
/// on long words so Italian singular and plural (responsabile / responsabili) meet.
/// </summary>
public static class KeywordQuery
{
    private const int PrefixFrom = 6;

    private static readonly HashSet<string> StopWords =
    [
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "by", "with", "is", "are", "be", "what", "which", "who", "how",
        "this", "that", "it", "as", "at", "from", "its", "does", "do", "about", "under", "have", "has",
        "il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "e", "o", "di", "da", "del", "della", "dei", "delle", "dello", "degli",
        "che", "cosa", "cos", "è", "per", "con", "su", "nel", "nella", "al", "alla", "come", "quale", "quali", "sono", "ci", "si", "l", "d",
    ];

    /// <summary>The tsquery text, or null when the question has no significant word.</summary>
    /// <param name="termLimit">
    /// At most this many terms: every OR'd prefix term is matched and ranked against the index, so a long message of
    /// distinct words would hold the database for as long as it likes. The most informative terms are kept: numbers
    /// (article numbers) first, then the longest words (rarer, in a legal corpus), then the earliest.
    /// </param>
    public static string? Build(string question, int termLimit = KnowledgeBaseOptions.DefaultKeywordTermLimit)
    {
        var terms = Terms(question).Distinct().ToList();
        if (terms.Count == 0)
            return null;
        var kept = terms
            .Select((term, position) => (term, position))
            .OrderByDescending(t => char.IsDigit(t.term[0]))
            .ThenByDescending(t => t.term.Length)
            .ThenBy(t => t.position)
            .Take(termLimit)
            .OrderBy(t => t.position)
            .Select(t => t.term);
        return string.Join(" | ", kept.Select(t => t.Length >= PrefixFrom ? $"{t[..^1]}:*" : t));
    }

    public static IEnumerable<string> Terms(string question)
    {
        var word = new StringBuilder();
        foreach (var c in question + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0)
            {
                var term = word.ToString();
                if (!StopWords.Contains(term) && (term.Length > 1 || char.IsDigit(term[0])))
                    yield return term;
                word.Clear();
            }
        }
    }
}
