using System.ComponentModel.DataAnnotations;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>The memory of text embeddings shared by the comparators and the evaluators (<c>TextSimilarity:*</c>).</summary>
public sealed class TextSimilarityOptions
{
    public const string SectionName = "TextSimilarity";

    /// <summary>
    /// Bytes of serialised embeddings kept in the process (about 4 KiB a text); 0 embeds every text every time. The
    /// semantic cache replays the same answer to every asker of a popular question, so its comparisons and evals meet
    /// the same texts again and again.
    /// </summary>
    [Range(0, 1L << 34)] public long CacheBytes { get; set; } = 32L << 20;
}
