using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.KnowledgeBase;
using Pipeline.KnowledgeBase.Questions;

namespace Pipeline.Answering;

/// <summary>
/// The legacy system's analysis as it was: it spotted regulation names and explicit article references, and
/// treated every question alike otherwise. Kept so the workflow's analysis step can delegate to it (flag off) or be
/// compared with it (shadow).
/// </summary>
public static partial class LegacyQueryAnalyzer
{
    public static QueryAnalysis Analyze(string question) => new(
        QueryIntent.Question,
        RegulationNames.All.Where(r => question.Contains(r, StringComparison.OrdinalIgnoreCase)).ToList(),
        ArticleReference().Matches(question).Select(m => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)).Distinct().ToList(),
        LanguageGuesser.Guess(question));

    [GeneratedRegex(@"\b(?:articolo|article)\s+(?<n>\d{1,3})\b", RegexOptions.IgnoreCase)]
    private static partial Regex ArticleReference();
}
