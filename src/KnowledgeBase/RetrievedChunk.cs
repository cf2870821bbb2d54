
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

/// <summary>Size of the knowledge base (contract: <c>GET /api/documents/stats</c>).</summary>
public sealed record KnowledgeBaseStats(int Documents, int Chunks);
