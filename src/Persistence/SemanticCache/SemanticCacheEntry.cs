using Pgvector;

namespace Pipeline.Persistence.SemanticCache;

/// <summary>A served answer kept for questions close enough to the one it answered (<c>semantic_cache</c>).</summary>
public sealed class SemanticCacheEntry
{
    public Guid Id { get; set; }
    public string Question { get; set; } = "";
    public Vector Embedding { get; set; } = null!;

    /// <summary>The model that embedded <see cref="Question"/>: a lookup compares only entries of the configured model.</summary>
    public string EmbeddingModel { get; set; } = "";

    /// <summary>
    /// What the question names — its regulations and article numbers, normalised — which a reused answer must share:
    /// "Article 5 of the GDPR" and "Article 6 of the GDPR" embed close together but need different answers.
    /// </summary>
    public string Scope { get; set; } = "";

    /// <summary>The answer as JSON (<c>ChatAnswer</c>).</summary>
    public string Answer { get; set; } = "{}";

    /// <summary>Documents the answer was built on: re-ingesting any of them drops the entry.</summary>
    public List<Guid> DocumentIds { get; set; } = [];
    public string Pipeline { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public int Hits { get; set; }
}
