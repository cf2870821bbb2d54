using Pipeline.Infrastructure.KnowledgeBase;

namespace Pipeline.Infrastructure.Answering;

/// <summary>
/// The legacy system's analysis as it was: it only spotted regulation names; every question was treated alike.
/// Kept so the workflow's analysis step can delegate to it (flag off) or be compared with it (shadow).
/// </summary>
public static class LegacyQueryAnalyzer
{
    public static QueryAnalysis Analyze(string question) => new(
        QueryIntent.Question,
        RegulationNames.All.Where(r => question.Contains(r, StringComparison.OrdinalIgnoreCase)).ToList(),
        [],
        LanguageGuesser.Guess(question));
}
