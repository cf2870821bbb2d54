using System.Text.RegularExpressions;

namespace Pipeline.KnowledgeBase.Quality;

/// <summary>
/// Finds the "sentences" of an answer a reader cannot follow: a paragraph number, a list marker or a lone heading
/// left standing as a sentence of its own (<c>1 [2].</c>, <c>(a) [1].</c>, <c>Article 5 [3].</c>).
/// </summary>
public static partial class FragmentSentences
{
    /// <summary>Fewer words than this (letters only, citation markers aside) is not a sentence.</summary>
    public const int MinimumWords = 4;

    public static int Count(string answer) => Sentences(answer).Count(IsFragment);

    /// <summary>The answer cut after each citation group or sentence end.</summary>
    public static IEnumerable<string> Sentences(string answer) =>
        SentenceEnd().Split(answer).Select(s => s.Trim()).Where(s => s.Length > 0);

    public static bool IsFragment(string sentence)
    {
        var text = Citation().Replace(sentence, " ");
        var words = Word().Matches(text).Count;
        return words < MinimumWords || LoneHeading().IsMatch(text.Trim());
    }

    // After a citation group, or after a word's full stop before a capital: "No. 2016" and "1. Member" stay whole.
    [GeneratedRegex(@"(?<=\])\.\s+|(?<=\p{L}{2}[.!?])\s+(?=\p{Lu})")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\[\d{1,4}\]")]
    private static partial Regex Citation();

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Word();

    /// <summary>A heading alone: "Article 5", "Articolo 33: Notifica …" (a short title and nothing more), "CHAPTER II", "SECTION 1".</summary>
    [GeneratedRegex(@"^(?:(?:Article|Articolo|Art\.)\s+\d{1,3}\b\s*[:\-–]?|(?:CHAPTER|CAPO)\s+[IVXLC]+\b|(?:SECTION|SEZIONE)\s+\d+\b)[^.;:,]{0,60}\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex LoneHeading();
}
