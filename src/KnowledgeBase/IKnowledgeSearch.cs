
namespace Pipeline.KnowledgeBase;

/// <summary>Searches the knowledge base by words (PostgreSQL full text) or by embedding (pgvector).</summary>
public interface IKnowledgeSearch
{
    Task<IReadOnlyList<RetrievedChunk>> SearchKeywordsAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken);

    Task<IReadOnlyList<RetrievedChunk>> SearchVectorAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken);

    /// <summary>
    /// Several searches at once, their results in the order asked. This default runs them one after another; the
    /// database's search sends them in a batch per kind, the keyword searches while the question is embedded.
    /// </summary>
    Task<IReadOnlyList<IReadOnlyList<RetrievedChunk>>> SearchAsync(IReadOnlyList<SearchRequest> searches, CancellationToken cancellationToken) =>
        OneByOneAsync(this, searches, cancellationToken);

    /// <summary>The searches through <paramref name="search"/>'s single-search methods, one after another.</summary>
    static async Task<IReadOnlyList<IReadOnlyList<RetrievedChunk>>> OneByOneAsync(IKnowledgeSearch search, IReadOnlyList<SearchRequest> searches, CancellationToken cancellationToken)
    {
        var results = new List<IReadOnlyList<RetrievedChunk>>(searches.Count);
        foreach (var s in searches)
            results.Add(s.Kind == SearchKind.Keywords
                ? await search.SearchKeywordsAsync(s.Query, s.TopK, s.Filter, cancellationToken)
                : await search.SearchVectorAsync(s.Query, s.TopK, s.Filter, cancellationToken));
        return results;
    }

    Task<KnowledgeBaseStats> GetStatsAsync(CancellationToken cancellationToken);
}
