namespace Pipeline.KnowledgeBase.Questions;

/// <summary>What a question asks: its intent, the regulations and article numbers it names, its language.</summary>
public sealed record QueryAnalysis(QueryIntent Intent, IReadOnlyList<string> Regulations, IReadOnlyList<int> ArticleNumbers, string Language);

/// <summary>The kinds of question the assistant distinguishes.</summary>
public enum QueryIntent
{
    Definition,
    Comparison,
    ArticleLookup,
    Meta,
    ChitChat,
    Question,
}
