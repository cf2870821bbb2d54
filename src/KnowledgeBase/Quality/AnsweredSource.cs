using Pipeline.Contracts;
using Pipeline.KnowledgeBase;

namespace Pipeline.KnowledgeBase.Quality;

/// <summary>
/// A source of an answer as the quality metrics see it: its id, regulation and article. A knowledge-base source's id
/// is its document's file name made a slug plus its position (<c>gdpr-2016-679-en-formex-xml-00042</c>), so the
/// regulation is read from it as ingestion reads it from the file name.
/// </summary>
public sealed record AnsweredSource(string SourceId, string Regulation, int? ArticleNumber)
{
    public static AnsweredSource From(ChatSource source) =>
        new(source.Id, RegulationNames.FromSourceKey(source.Id), source.ArticleNumber);
}

/// <summary>What a pipeline answered to one golden question, as the metrics need it.</summary>
/// <param name="Sources">The answer's sources in the order it gives them.</param>
/// <param name="CitedSources">The 1-based positions in <paramref name="Sources"/> the answer's citations point to.</param>
public sealed record GoldenAnswer(string Text, IReadOnlyList<AnsweredSource> Sources, IReadOnlyList<int> CitedSources, double LatencyMs)
{
    public static GoldenAnswer From(ChatAnswer answer, double latencyMs) => new(
        answer.Text,
        answer.Sources.Select(AnsweredSource.From).ToList(),
        answer.Citations.Select(c => c.Index).ToList(),
        latencyMs);
}
