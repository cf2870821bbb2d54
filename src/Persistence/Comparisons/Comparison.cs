namespace Pipeline.Persistence.Comparisons;

/// <summary>A scored pair of old and new results for one request (<c>feature_flag_comparisons</c>).</summary>
public sealed class Comparison
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public string FlagName { get; set; } = "";
    public string Kind { get; set; } = "";
    public bool NoiseSample { get; set; }
    public bool Match { get; set; }
    public double TextSimilarity { get; set; }
    public bool CitationsMatch { get; set; }
    public bool SourcesMatch { get; set; }
    public double SourceIdOverlap { get; set; }
    public double MaxScoreDelta { get; set; }

    /// <summary>What differed, dimension by dimension (JSON).</summary>
    public string Diff { get; set; } = "{}";

    /// <summary>completed, failed or missing: a shadow side that never came is recorded, not dropped.</summary>
    public string NewOutcome { get; set; } = "";
    public long OldDurationMs { get; set; }
    public long? NewDurationMs { get; set; }
    public string OldResult { get; set; } = "{}";
    public string? NewResult { get; set; }
    public Guid? ReplayId { get; set; }
    public DateTime CreatedAt { get; set; }
}
