using Pgvector;

namespace Pipeline.Infrastructure.SemanticCache;

/// <summary>A served answer kept for questions close enough to the one it answered (<c>semantic_cache</c>).</summary>
public sealed class SemanticCacheEntry
{
    public Guid Id { get; set; }
    public string Question { get; set; } = "";
    public Vector Embedding { get; set; } = null!;

    /// <summary>The answer as JSON (<c>ChatAnswer</c>).</summary>
    public string Answer { get; set; } = "{}";

    /// <summary>Documents the answer was built on: re-ingesting any of them drops the entry.</summary>
    public List<Guid> DocumentIds { get; set; } = [];
    public string Pipeline { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public int Hits { get; set; }
}
