using System.Text;

namespace Pipeline.Infrastructure.KnowledgeBase;

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
    public static string? Build(string question)
    {
        var terms = Terms(question).Distinct().ToList();
        if (terms.Count == 0)
            return null;
        return string.Join(" | ", terms.Select(t => t.Length >= PrefixFrom ? $"{t[..^1]}:*" : t));
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
