using Pipeline.Contracts;
using Pipeline.Infrastructure.KnowledgeBase;

namespace Pipeline.Infrastructure.Answering;

/// <summary>The legacy retrieval: full-text keyword search, nothing else.</summary>
public sealed class KeywordRetrieval(IKnowledgeSearch search)
{
    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string question, int topK, CancellationToken cancellationToken)
    {
        var chunks = await search.SearchKeywordsAsync(question, topK, null, cancellationToken);
        return chunks.Select(ToPassage).ToList();
    }

    public static RetrievedPassage ToPassage(RetrievedChunk chunk) => new(
        new ChatSource(chunk.ChunkId, chunk.DocumentId.ToString(), chunk.DocumentTitle, chunk.ArticleNumber, Math.Round(chunk.Score, 4), SourceTypes.Document, null),
        chunk.Text);
}

/// <summary>The contract's source types.</summary>
public static class SourceTypes
{
    public const string Document = "document";
    public const string Web = "web";
}
