namespace Pipeline.Persistence.Evals;

/// <summary>The scores of one sampled answer (<c>eval_results</c>) and, once a human looked at it, their verdict.</summary>
public sealed class EvalResult
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public string Question { get; set; } = "";

    /// <summary>legacy or workflow: the pipeline that wrote the answer.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><see cref="EvalReasons"/>: why the answer was sampled.</summary>
    public string Reason { get; set; } = "";

    /// <summary>The scored <c>ChatAnswer</c> (JSON).</summary>
    public string Answer { get; set; } = "{}";
    public double CitationQuality { get; set; }
    public double Groundedness { get; set; }
    public double AnswerRelevance { get; set; }

    /// <summary>Waiting for human review: some score was below its threshold and nobody has reviewed it yet.</summary>
    public bool Flagged { get; set; }
    public string EvaluatorVersion { get; set; } = "";
    public Guid? ReplayId { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? ReviewVerdict { get; set; }
    public string? ReviewNote { get; set; }
    public DateTime? ReviewedAt { get; set; }

    /// <summary>
    /// One score per answer for comparing pipelines (improvement rollouts, experiments): the mean of the three, so an
    /// answer that is better cited, better grounded or more relevant scores higher, none of them weighing more.
    /// </summary>
    public static double Overall(double citationQuality, double groundedness, double answerRelevance) =>
        (citationQuality + groundedness + answerRelevance) / 3;
    public string? ReviewedBy { get; set; }
}
