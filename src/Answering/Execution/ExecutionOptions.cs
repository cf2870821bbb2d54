using System.ComponentModel.DataAnnotations;

namespace Pipeline.Answering.Execution;

/// <summary>How chat workers execute and retry (<c>Execution:*</c>).</summary>
public sealed class ExecutionOptions
{
    public const string SectionName = "Execution";

    /// <summary>Immediate retries of a failing execution before it is reported as <c>ChatFailed</c>.</summary>
    [Range(0, 10)] public int Retries { get; set; } = 2;

    /// <summary>Executions a worker process runs at once.</summary>
    [Range(1, 512)] public int ConcurrentMessageLimit { get; set; } = 32;

    /// <summary>
    /// Most answer pieces one streamed token message carries (batches grow 1, 2, 4, ... up to this); 1 sends a message
    /// per piece. Larger batches mean fewer bus messages per answer and coarser streaming for the caller.
    /// </summary>
    [Range(1, 1024)] public int TokenPiecesPerMessageLimit { get; set; } = 16;

    /// <summary>Passages retrieved per question.</summary>
    [Range(1, 100)] public int TopK { get; set; } = 5;

    /// <summary>Injected latency before answering (fault and rollout testing); zero in production.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")] public TimeSpan InjectedLatency { get; set; } = TimeSpan.Zero;

    /// <summary>Share of executions that fail on purpose (fault and rollout testing); zero in production.</summary>
    [Range(0.0, 1.0)] public double InjectedFailureRate { get; set; }

    /// <summary>
    /// Share of answers degraded on purpose (improvement-rollout testing): their citation markers and citations are
    /// dropped from the recorded answer, so evals score them worse; zero in production.
    /// </summary>
    [Range(0.0, 1.0)] public double InjectedCitationLoss { get; set; }

    /// <summary>
    /// Limits <see cref="InjectedCitationLoss"/> to workflow runs with this step flag on: a step made worse on purpose
    /// (step-flag rollout testing); null degrades every run.
    /// </summary>
    public string? CitationLossWithStep { get; set; }

    /// <summary>Limits <see cref="InjectedCitationLoss"/> to workflow runs with this step flag off: the step is then the better side.</summary>
    public string? CitationLossWithoutStep { get; set; }
}
