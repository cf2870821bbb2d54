namespace Pipeline.KnowledgeBase.Quality;

/// <summary>One question of the golden dataset and the passages that answer it.</summary>
/// <param name="Id">Stable id, unique within the dataset (<c>gdpr-lawful-processing-en</c>).</param>
/// <param name="Language"><c>it</c> or <c>en</c>.</param>
/// <param name="Kind">One of <see cref="GoldenKinds.All"/>.</param>
/// <param name="Expected">The passages that answer it; empty only for a meta question the knowledge base answers about itself.</param>
public sealed record GoldenQuestion(string Id, string Question, string Language, string Kind, IReadOnlyList<ExpectedSource> Expected)
{
    /// <summary>The distinct regulations the expected passages belong to (several for a comparison).</summary>
    public IReadOnlyList<string> ExpectedRegulations { get; } =
        Expected.Select(e => e.Regulation).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Whether <paramref name="source"/> is one of the passages that answer the question.</summary>
    public bool IsAnsweredBy(AnsweredSource source) => Expected.Any(e => e.Matches(source));

    /// <summary>Whether <paramref name="source"/> belongs to a regulation the question is about.</summary>
    public bool IsOfExpectedRegulation(AnsweredSource source) =>
        ExpectedRegulations.Contains(source.Regulation, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// A passage that answers a golden question: a regulation (a key of <see cref="KnowledgeBase.RegulationNames"/>),
/// optionally one article of it and optionally one document (the start of its file name, e.g. <c>gdpr-overview</c>).
/// </summary>
public sealed record ExpectedSource(string Regulation, int? Article = null, string? Document = null)
{
    public bool Matches(AnsweredSource source) =>
        string.Equals(Regulation, source.Regulation, StringComparison.OrdinalIgnoreCase)
        && (Article is null || Article == source.ArticleNumber)
        && (Document is null || source.SourceId.StartsWith(Document, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The kinds of golden question.</summary>
internal static class GoldenKinds
{
    public const string Question = "question";
    public const string Article = "article";
    public const string Definition = "definition";
    public const string Comparison = "comparison";
    public const string Meta = "meta";

    public static readonly IReadOnlyList<string> All = [Question, Article, Definition, Comparison, Meta];
}
