using System.ComponentModel.DataAnnotations;

namespace Pipeline.Infrastructure.Evals;

/// <summary>How sampled answers are scored and when a score calls for human review (<c>Evals:*</c>).</summary>
public sealed class EvalOptions
{
    public const string SectionName = "Evals";

    /// <summary>Stored with every score, so scores of different evaluator versions are never mixed up.</summary>
    [Required, StringLength(64, MinimumLength = 1)] public string EvaluatorVersion { get; set; } = "evals-v1";

    /// <summary>The queue of the eval consumer.</summary>
    [Required] public string Endpoint { get; set; } = "chat-evals";

    /// <summary>A citation quality below this flags the eval for review.</summary>
    [Range(0.0, 1.0)] public double CitationQualityThreshold { get; set; } = 0.5;

    /// <summary>A groundedness below this flags the eval for review.</summary>
    [Range(0.0, 1.0)] public double GroundednessThreshold { get; set; } = 0.5;

    /// <summary>An answer relevance below this flags the eval for review.</summary>
    [Range(0.0, 1.0)] public double AnswerRelevanceThreshold { get; set; } = 0.5;

    /// <summary>Share of a sentence's content words a retrieved passage must contain for the sentence to count as supported.</summary>
    [Range(0.0, 1.0)] public double SentenceSupportThreshold { get; set; } = 0.6;

    /// <summary>
    /// Without a judge model, relevance is the embedding similarity of question and answer rescaled so that this
    /// similarity (what a clearly on-topic answer reaches with the configured embeddings) counts as fully relevant.
    /// </summary>
    [Range(0.01, 1.0)] public double FullRelevanceSimilarity { get; set; } = 0.5;

    /// <summary>How long the judge model may take before relevance falls back to embeddings.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")] public TimeSpan JudgeTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
