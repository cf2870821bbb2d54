using System.ComponentModel.DataAnnotations;

namespace Pipeline.Rollouts;

/// <summary>
/// Gates, contingency triggers and defaults of automated staged rollouts. Gates and triggers are the contract's
/// defaults (§5), which are the original design's success criteria and contingency plans.
/// </summary>
public sealed class RolloutOptions
{
    public const string SectionName = "Rollout";

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The one-sided significance level of every test a decision rests on.</summary>
    [Range(0.0001, 0.5)]
    public double Significance { get; set; } = 0.05;

    [Range(0.0, 1.0)]
    public double MatchRateGate { get; set; } = 0.99;

    [Range(0.0, 1.0)]
    public double MatchRateTrigger { get; set; } = 0.95;

    /// <summary>
    /// A step flag's own gates (keyed by step flag), the original design's per-step success criteria. Match rate of its
    /// shadow stage: analysis, enhancement and cache must match as the whole request does (&gt; 99 %), retrieval its
    /// chunk ids (&gt; 95 %, "some variation OK"), generation its citations (&gt; 98 %). p95 latency: generation within
    /// 20 % of the baseline ("initial overhead acceptable"), every other step as the whole request (within 10 %). A step
    /// flag not listed, or a gate not set, uses the request's (<see cref="MatchRateGate"/>, <see cref="MatchRateTrigger"/>,
    /// <see cref="LatencyGateFactor"/>).
    /// </summary>
    public Dictionary<string, StepGates> StepGates { get; set; } = new()
    {
        [Flags.MigrationFlags.WorkflowAnalysis] = new() { Gate = 0.99, Trigger = 0.95 },
        [Flags.MigrationFlags.WorkflowEnhancement] = new() { Gate = 0.99, Trigger = 0.95 },
        [Flags.MigrationFlags.WorkflowCache] = new() { Gate = 0.99, Trigger = 0.95 },
        [Flags.MigrationFlags.WorkflowRetrieval] = new() { Gate = 0.95, Trigger = 0.90 },
        [Flags.MigrationFlags.WorkflowGeneration] = new() { Gate = 0.98, Trigger = 0.93, LatencyGateFactor = 1.2 },
    };

    /// <summary>The match-rate gate and trigger of a flag's shadow stage: its step's own, else the request's.</summary>
    public (double Gate, double Trigger) MatchRatesFor(string? flag) =>
        flag is not null && StepGates.TryGetValue(flag, out var step) ? (step.Gate, step.Trigger) : (MatchRateGate, MatchRateTrigger);

    /// <summary>The p95 latency gate of a flag's stages (a factor of the baseline's): its step's own, else the request's.</summary>
    public double LatencyGateFor(string? flag) =>
        flag is not null && StepGates.TryGetValue(flag, out var step) && step.LatencyGateFactor is { } factor ? factor : LatencyGateFactor;

    /// <summary>How far the new error rate may sit above the baseline's and still pass ("≤ baseline" up to noise).</summary>
    [Range(0.0, 1.0)]
    public double ErrorRateTolerance { get; set; } = 0.005;

    [Range(0.0, 1.0)]
    public double ErrorRateTrigger { get; set; } = 0.05;

    [Range(1.0, 100.0)]
    public double LatencyGateFactor { get; set; } = 1.1;

    [Range(1.0, 100.0)]
    public double LatencyTriggerFactor { get; set; } = 1.5;

    /// <summary>
    /// Contingency triggers act on fewer observations than a stage's gates (a broken pipeline should not wait for
    /// the full sample), but never on fewer than this (or the stage's minimum, if smaller): a cold start's first
    /// slow answers must not roll a healthy rollout back.
    /// </summary>
    [Range(1, 1_000_000)]
    public int TriggerMinSamples { get; set; } = 30;

    public string[] DefaultStages { get; set; } = ["shadow", "1", "10", "50", "100"];

    [Range(1, 10_000_000)]
    public int DefaultMinSamples { get; set; } = 200;

    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan DefaultMinDwell { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Old-pipeline answers evaluated per new-pipeline answer while an improvement rollout serves a percentage (every
    /// new-pipeline answer is evaluated then): 1 gives both arms of the eval-score test about the same size.
    /// </summary>
    [Range(0.0, 100.0)]
    public double ControlEvalRatio { get; set; } = 1.0;

    /// <summary>
    /// The experiment metric an improvement rollout's shadow stage weighs (paired test of the flag's variant against
    /// legacy on the latest finished experiment): the overall eval score by default, the same score the later stages compare.
    /// </summary>
    [Required]
    public string ExperimentMetric { get; set; } = "score";

    /// <summary>The most observations per arm a decision loads: the newest ones, enough for every test here.</summary>
    [Range(10, 1_000_000)]
    public int MaxSamples { get; set; } = 20_000;
}

/// <summary>One step flag's own gates: its shadow stage's match rate (advance at or above, roll back significantly below the trigger) and its latency.</summary>
public sealed class StepGates
{
    /// <summary>Match rate the step's shadow stage must establish.</summary>
    [Range(0.0, 1.0)]
    public double Gate { get; set; }

    /// <summary>Match rate below which the step's shadow stage rolls back.</summary>
    [Range(0.0, 1.0)]
    public double Trigger { get; set; }

    /// <summary>p95 latency the step's stages may reach, as a factor of the baseline's; none: the request's.</summary>
    [Range(1.0, 100.0)]
    public double? LatencyGateFactor { get; set; }
}
