using System.ComponentModel.DataAnnotations;

namespace Pipeline.Evaluation.Evals;

/// <summary>How sampled answers are scored and when a score calls for human review (<c>Evals:*</c>).</summary>
public sealed class EvalOptions
{
    public const string SectionName = "Evals";

    /// <summary>Stored with every score, so scores of different evaluator versions are never mixed up.</summary>
    [Required, StringLength(64, MinimumLength = 1)] public string EvaluatorVersion { get; set; } = "evals-v1";

    /// <summary>The queue of the eval consumer.</summary>
    [Required] public string Endpoint { get; set; } = "chat-evals";

    /// <summary>
    /// Evals are background sampling work: at most this many batches are scored at once, so a burst of samples (every
    /// shadow mismatch is one) queues up instead of taking the CPU and connections the served path and the comparator need.
    /// </summary>
    [Range(1, 64)] public int BatchConcurrency { get; set; } = 2;

    /// <summary>Samples scored and stored per transaction.</summary>
    [Range(1, 1_000)] public int BatchSize { get; set; } = 50;

    /// <summary>How long a batch waits to fill before it is scored as it is (the latency a lone sample pays).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan BatchWait { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A citation quality below this flags the eval for review.</summary>
    [Range(0.0, 1.0)] public double CitationQualityThreshold { get; set; } = 0.5;

    /// <summary>A groundedness below this flags the eval for review.</summary>
    [Range(0.0, 1.0)] public double GroundednessThreshold { get; set; } = 0.5;

    /// <summary>An answer relevance below this flags the eval for review.</summary>
    [Range(0.0, 1.0)] public double AnswerRelevanceThreshold { get; set; } = 0.5;

    /// <summary>Share of a sentence's content words a retrieved passage must contain for the sentence to count as supported.</summary>
    [Range(0.0, 1.0)] public double SentenceSupportThreshold { get; set; } = 0.6;

    /// <summary>
    /// Without a judge model, relevance is the embedding similarity of question and answer rescaled linearly from this
    /// similarity (unrelated: 0) to <see cref="FullRelevanceSimilarity"/> (on topic: 1). The defaults fit the built-in
    /// hashing embeddings, where a short question and an on-topic answer share few words; a semantic embedding model
    /// reaches higher similarities and needs both raised.
    /// </summary>
    [Range(-1.0, 1.0)] public double UnrelatedSimilarity { get; set; } = 0.1;

    /// <summary>The embedding similarity from which an answer counts as fully relevant (see <see cref="UnrelatedSimilarity"/>).</summary>
    [Range(-1.0, 1.0)] public double FullRelevanceSimilarity { get; set; } = 0.2;

    /// <summary>How long the judge model may take before relevance falls back to embeddings.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")] public TimeSpan JudgeTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
