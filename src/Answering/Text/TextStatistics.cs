using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Answering.Text;

/// <summary>Word-level helpers for the extractive generator: sentences, content terms, overlap.</summary>
public static partial class TextStatistics
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        // English
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "by", "with", "is", "are", "be", "what", "which",
        "who", "how", "this", "that", "it", "as", "at", "from", "its", "does", "do", "about",
        // Italian
        "il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "e", "o", "di", "da", "del", "della", "dei", "delle",
        "che", "cosa", "cos", "è", "per", "con", "su", "nel", "nella", "al", "alla", "come", "quale", "sono", "ci",
    };

    public static int CountWords(string text) => Words().Count(text);

    public static HashSet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in Words().EnumerateMatches(text))
        {
            var word = text.Substring(match.Index, match.Length).ToLowerInvariant();
            if (!StopWords.Contains(word) && word.Length > 1)
                terms.Add(Fold(word));
        }

        return terms;
    }

    /// <summary>Share of the question's terms the candidate contains.</summary>
    public static double Overlap(HashSet<string> question, HashSet<string> candidate)
    {
        if (question.Count == 0)
            return 0;
        var shared = question.Count(candidate.Contains);
        return (double)shared / question.Count;
    }

    public static IEnumerable<string> Sentences(string text) =>
        SentenceEnd().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    public static string WithoutFinalStop(string sentence) => sentence.TrimEnd('.', ' ', ';', ':');

    private static string Fold(string word)
    {
        // Accents are folded so "perché" and "perche" meet.
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                folded.Append(c);
        }

        return folded.ToString();
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();

    [GeneratedRegex(@"(?<=[.!?;])\s+")]
    private static partial Regex SentenceEnd();
}
