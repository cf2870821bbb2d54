
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

/// <summary>How a keyword search scores its hits.</summary>
public enum KeywordRanking
{
    /// <summary>PostgreSQL's cover density (<c>ts_rank_cd</c>): how close together the query's words occur.</summary>
    CoverDensity,

    /// <summary>
    /// PostgreSQL's frequency rank (<c>ts_rank</c>): how often the query's words occur. Several times cheaper than cover
    /// density for a broad query of prefix terms, which matches most passages and makes cover density walk every
    /// position of each.
    /// </summary>
    Frequency,
}

/// <summary>One search of several sent together (<see cref="IKnowledgeSearch.SearchAsync"/>); <paramref name="Ranking"/> applies to keyword searches.</summary>
public sealed record SearchRequest(SearchKind Kind, string Query, int TopK, SearchFilter? Filter, KeywordRanking Ranking = KeywordRanking.CoverDensity);

/// <summary>Size of the knowledge base (contract: <c>GET /api/documents/stats</c>).</summary>
public sealed record KnowledgeBaseStats(int Documents, int Chunks);
