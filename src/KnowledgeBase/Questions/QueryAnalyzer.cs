using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.KnowledgeBase;

namespace Pipeline.KnowledgeBase.Questions;

/// <summary>Rule-based query analysis (Italian and English): intent, named regulations, article numbers, language.</summary>
public static partial class QueryAnalyzer
{
    public static QueryAnalysis Analyze(string question)
    {
        var lower = question.ToLowerInvariant();
        var regulations = RegulationDetector.Detect(question);
        var articles = ArticleReference().Matches(question)
            .Select(m => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();

        var intent = articles.Count > 0 ? QueryIntent.ArticleLookup
            : ComparisonWords().IsMatch(lower) || regulations.Count > 1 ? QueryIntent.Comparison
            : MetaWords().IsMatch(lower) ? QueryIntent.Meta
            : DefinitionWords().IsMatch(lower) ? QueryIntent.Definition
            : ChitChatWords().IsMatch(lower.Trim()) ? QueryIntent.ChitChat
            : QueryIntent.Question;
        return new QueryAnalysis(intent, regulations, articles, LanguageGuesser.Guess(question));
    }

    [GeneratedRegex(@"\b(?:art(?:icolo|icle|\.)?|artt?\.)\s*(?<n>\d{1,3})\b", RegexOptions.IgnoreCase)]
    private static partial Regex ArticleReference();

    [GeneratedRegex(@"\b(confronta|confronto|differenz\w*|compare|comparison|versus|vs\.?|difference)\b")]
    private static partial Regex ComparisonWords();

    [GeneratedRegex(@"\b(quanti|quante|how many|number of|count)\b.*\b(document\w*|fonti|sources?|database)\b")]
    private static partial Regex MetaWords();

    [GeneratedRegex(@"(cos'?\s*è|che cos|cosa è|cosa si intende|what is|what's|define|definition|definizione)")]
    private static partial Regex DefinitionWords();

    [GeneratedRegex(@"^(ciao|buongiorno|buonasera|grazie|hello|hi|hey|thanks|thank you)\b")]
    private static partial Regex ChitChatWords();
}
