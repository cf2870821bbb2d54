using System.ComponentModel.DataAnnotations;

namespace Pipeline.KnowledgeBase.SemanticCache;

/// <summary>Semantic cache settings (<c>SemanticCache:*</c>).</summary>
public sealed class SemanticCacheOptions
{
    public const string SectionName = "SemanticCache";

    /// <summary>
    /// Cosine similarity a previous question needs to reuse its answer. Tuned for all-MiniLM-L6-v2: paraphrases score
    /// 0.84–0.99, different questions on the same topic 0.25–0.81 (docs/benchmarks.md); a miss costs one generation, a
    /// false hit a wrong answer, so the threshold sits above the highest different question.
    /// </summary>
    [Range(0.5, 1.0)] public double SimilarityThreshold { get; set; } = 0.85;

    /// <summary>
    /// Questions whose vectors the process keeps (<see cref="QuestionEmbeddings"/>), so a repeated question is not
    /// embedded again; 0 embeds every time. ~1.5 KB each with the 384-dimension models.
    /// </summary>
    [Range(0, 1_000_000)] public int MemoizedQuestions { get; set; } = 4096;

    /// <summary>Entries older than this are ignored.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")] public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);
}
