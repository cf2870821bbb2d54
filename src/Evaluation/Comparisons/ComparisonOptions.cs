using System.ComponentModel.DataAnnotations;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>The match rule's thresholds, contract §3 defaults (<c>Comparisons:*</c>).</summary>
public sealed class ComparisonOptions
{
    public const string SectionName = "Comparisons";

    /// <summary>Text similarity must be above this.</summary>
    [Range(0.0, 1.0)] public double TextSimilarityThreshold { get; set; } = 0.95;

    /// <summary>Source-id overlap (Jaccard) must be at least this.</summary>
    [Range(0.0, 1.0)] public double SourceOverlapThreshold { get; set; } = 0.95;

    /// <summary>Every shared source's score must be within this relative margin.</summary>
    [Range(0.0, 1.0)] public double ScoreMargin { get; set; } = 0.05;

    /// <summary>Pairs recorded per transaction at most.</summary>
    [Range(1, 1_000)] public int BatchSize { get; set; } = 100;

    /// <summary>How long a partial batch waits for more pairs.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan BatchWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Batches recorded at once per process.</summary>
    [Range(1, 64)] public int BatchConcurrency { get; set; } = 2;
}
