namespace Pipeline.Persistence.Experiments;

/// <summary>
/// A dataset of questions run through the real pipelines, shadow-only like a replay: the legacy pipeline and one or
/// more workflow variants answer every question, and the answers are kept for metrics and paired comparisons.
/// </summary>
public sealed class Experiment
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The flag whose improvement rollout this experiment informs (its gate reads the latest finished one).</summary>
    public string FlagName { get; set; } = "";

    /// <summary>Where the questions came from: the repository's golden dataset's file name, or <c>upload</c>.</summary>
    public string Dataset { get; set; } = "";

    /// <summary>The questions as run (JSON of the golden dataset's questions), so an uploaded dataset stays with its results.</summary>
    public string Questions { get; set; } = "[]";

    /// <summary><see cref="ExperimentVariants"/> in the order asked.</summary>
    public List<string> Variants { get; set; } = [];

    /// <summary>The variant the flag's gate weighs against <see cref="Control"/>.</summary>
    public string Treatment { get; set; } = "";
    public string Control { get; set; } = "";

    /// <summary>Answers expected: one per question and variant.</summary>
    public int Total { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";

    /// <summary>When the last answer was collected; null while running.</summary>
    public DateTime? FinishedAt { get; set; }
}

/// <summary>One variant's answer to one question of an experiment (<c>experiment_answers</c>) and its eval scores.</summary>
public sealed class ExperimentAnswer
{
    public Guid Id { get; set; }
    public Guid ExperimentId { get; set; }
    public string QuestionId { get; set; } = "";
    public string Variant { get; set; } = "";

    /// <summary>The request that produced it (its legacy side for the legacy variant, its workflow side otherwise).</summary>
    public Guid RequestId { get; set; }

    /// <summary><see cref="ExperimentOutcomes"/>.</summary>
    public string Outcome { get; set; } = ExperimentOutcomes.Pending;

    /// <summary>The <c>ChatAnswer</c> (JSON): text, sources in order, citations.</summary>
    public string? Answer { get; set; }

    /// <summary>The pipeline's own time to answer (the answer's duration, the same measure for every variant).</summary>
    public long? LatencyMs { get; set; }
    public double? CitationQuality { get; set; }
    public double? Groundedness { get; set; }
    public double? AnswerRelevance { get; set; }

    /// <summary>The overall eval score (<see cref="Evals.EvalResult.Overall"/>).</summary>
    public double? Score { get; set; }
    public DateTime? CollectedAt { get; set; }
}

/// <summary>What became of an experiment's answer.</summary>
public static class ExperimentOutcomes
{
    public const string Pending = "pending";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
