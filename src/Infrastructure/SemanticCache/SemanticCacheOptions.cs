using System.ComponentModel.DataAnnotations;

namespace Pipeline.Infrastructure.SemanticCache;

/// <summary>Semantic cache settings (<c>SemanticCache:*</c>).</summary>
public sealed class SemanticCacheOptions
{
    public const string SectionName = "SemanticCache";

    /// <summary>Cosine similarity a previous question needs to reuse its answer (the original design: 0.95).</summary>
    [Range(0.5, 1.0)] public double SimilarityThreshold { get; set; } = 0.95;

    /// <summary>Entries older than this are ignored.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")] public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);
}
