
namespace Pipeline.KnowledgeBase;

/// <summary>Searches the knowledge base by words (PostgreSQL full text) or by embedding (pgvector).</summary>
public interface IKnowledgeSearch
{
    Task<IReadOnlyList<RetrievedChunk>> SearchKeywordsAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken);

    Task<IReadOnlyList<RetrievedChunk>> SearchVectorAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken);

    /// <summary>
    /// Several searches at once, their results in the order asked. This default runs them one after another; the
    /// database's search sends them together, in one round trip.
    /// </summary>
    async Task<IReadOnlyList<IReadOnlyList<RetrievedChunk>>> SearchAsync(IReadOnlyList<SearchRequest> searches, CancellationToken cancellationToken)
    {
        var results = new List<IReadOnlyList<RetrievedChunk>>(searches.Count);
        foreach (var search in searches)
            results.Add(search.Kind == SearchKind.Keywords
                ? await SearchKeywordsAsync(search.Query, search.TopK, search.Filter, cancellationToken)
                : await SearchVectorAsync(search.Query, search.TopK, search.Filter, cancellationToken));
        return results;
    }

    Task<KnowledgeBaseStats> GetStatsAsync(CancellationToken cancellationToken);
}
