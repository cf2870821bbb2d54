
namespace Pipeline.KnowledgeBase;

/// <summary>A passage found by a search, with its document and a score in [0, 1].</summary>
public sealed record RetrievedChunk(
    string ChunkId,
    Guid DocumentId,
    string DocumentTitle,
    string Regulation,
    int? ArticleNumber,
    string? ArticleTitle,
    string Text,
    double Score);

/// <summary>Restricts a search to one article number and/or one regulation.</summary>
public sealed record SearchFilter(int? ArticleNumber = null, string? Regulation = null);

/// <summary>How a search matches: by the words of the query (PostgreSQL full text) or by its embedding (pgvector).</summary>
public enum SearchKind
{
    Keywords,
    Vector,
}

/// <summary>One search of several sent together (<see cref="IKnowledgeSearch.SearchAsync"/>).</summary>
public sealed record SearchRequest(SearchKind Kind, string Query, int TopK, SearchFilter? Filter);

/// <summary>Size of the knowledge base (contract: <c>GET /api/documents/stats</c>).</summary>
public sealed record KnowledgeBaseStats(int Documents, int Chunks);
