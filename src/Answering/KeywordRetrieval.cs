using Pipeline.KnowledgeBase.Questions;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase;

namespace Pipeline.Answering;

/// <summary>The legacy retrieval: full-text keyword search, narrowed to an article when the question names one.</summary>
public sealed class KeywordRetrieval(IKnowledgeSearch search)
{
    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string question, int topK, CancellationToken cancellationToken)
    {
        var analysis = LegacyQueryAnalyzer.Analyze(question);
        var filter = analysis.ArticleNumbers.Count > 0 ? new SearchFilter(analysis.ArticleNumbers[0], analysis.Regulations.FirstOrDefault()) : null;
        var chunks = await search.SearchKeywordsAsync(question, topK, filter, cancellationToken);
        if (chunks.Count == 0 && filter is not null)
            chunks = await search.SearchKeywordsAsync(question, topK, null, cancellationToken);
        return chunks.Select(ToPassage).ToList();
    }

    public static RetrievedPassage ToPassage(RetrievedChunk chunk) => new(
        new ChatSource(chunk.ChunkId, chunk.DocumentId.ToString(), chunk.DocumentTitle, chunk.ArticleNumber, Math.Round(chunk.Score, 4), SourceTypes.Document, null),
        chunk.Text,
        chunk.Regulation);
}

/// <summary>The contract's source types.</summary>
internal static class SourceTypes
{
    public const string Document = "document";
    public const string Web = "web";
}
