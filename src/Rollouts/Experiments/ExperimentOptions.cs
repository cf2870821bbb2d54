using System.ComponentModel.DataAnnotations;

namespace Pipeline.Rollouts.Experiments;

/// <summary>Experiments on golden datasets (<c>Experiments:*</c>).</summary>
public sealed class ExperimentOptions
{
    public const string SectionName = "Experiments";

    /// <summary>The repository's golden dataset, run when an operator uploads none (relative to the working directory).</summary>
    [Required] public string DatasetPath { get; set; } = "datasets/golden/regulatory-qa.jsonl";

    /// <summary>The most questions one experiment runs: each is one request per workflow variant, all published at once.</summary>
    [Range(1, 10_000)] public int MaxQuestions { get; set; } = 1_000;

    /// <summary>How often the coordination host collects finished answers and scores them.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan CollectInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Answers collected and scored per experiment and collection run.</summary>
    [Range(1, 10_000)] public int CollectBatch { get; set; } = 200;
}
