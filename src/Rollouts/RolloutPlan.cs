using Pipeline.Persistence.Rollouts;

namespace Pipeline.Rollouts;

/// <summary>A validated request to roll a flag out: its stages in order, minimum samples and dwell per stage, and its <see cref="RolloutKind"/>.</summary>
public sealed record RolloutPlan(IReadOnlyList<RolloutStage> Stages, int MinSamples, TimeSpan MinDwell, string Kind = RolloutKind.Equivalence);

/// <summary>The outcome of asking for a rollout.</summary>
public enum RolloutStartOutcome
{
    Started,
    FlagNotFound,
    AlreadyRunning,
}
