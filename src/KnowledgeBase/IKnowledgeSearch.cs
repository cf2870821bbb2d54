
namespace Pipeline.KnowledgeBase;

/// <summary>Searches the knowledge base by words (PostgreSQL full text) or by embedding (pgvector).</summary>
public interface IKnowledgeSearch
{
    Task<IReadOnlyList<RetrievedChunk>> SearchKeywordsAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken);

    Task<IReadOnlyList<RetrievedChunk>> SearchVectorAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken);

    Task<KnowledgeBaseStats> GetStatsAsync(CancellationToken cancellationToken);
}
