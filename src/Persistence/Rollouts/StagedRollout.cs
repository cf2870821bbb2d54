namespace Pipeline.Persistence.Rollouts;

/// <summary>An automated walk of a flag through its stages, and where it stands.</summary>
public sealed class StagedRollout
{
    public Guid Id { get; set; }
    public string FlagName { get; set; } = "";
    public List<string> Stages { get; set; } = [];

    /// <summary><see cref="RolloutKind"/>: which gates judge its stages.</summary>
    public string Kind { get; set; } = RolloutKind.Equivalence;
    public int StageIndex { get; set; }
    public DateTime StageStartedAt { get; set; }

    /// <summary>The percentage in force: the stage's, or half of it after a latency contingency.</summary>
    public double? CurrentPercentage { get; set; }
    public bool Halved { get; set; }
    public int MinSamples { get; set; }
    public TimeSpan MinDwell { get; set; }
    public string Status { get; set; } = RolloutStatus.Running;

    /// <summary>The flag version this rollout last wrote: any other change to the flag means an operator took over.</summary>
    public long FlagVersion { get; set; }
    public string StartedBy { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? LastDecision { get; set; }
    public DateTime? LastEvaluatedAt { get; set; }

    /// <summary>PostgreSQL's xmin: two controllers cannot both act on one decision.</summary>
    public uint Version { get; set; }
}

/// <summary>States of a <see cref="StagedRollout"/>.</summary>
public static class RolloutStatus
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string RolledBack = "rolled-back";

    /// <summary>Someone else changed the flag meanwhile; the rollout stops rather than fight them.</summary>
    public const string Superseded = "superseded";
}
