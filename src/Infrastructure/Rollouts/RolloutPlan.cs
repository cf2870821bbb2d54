namespace Pipeline.Infrastructure.Rollouts;

/// <summary>A validated request to roll a flag out: its stages in order, minimum samples and dwell per stage.</summary>
public sealed record RolloutPlan(IReadOnlyList<RolloutStage> Stages, int MinSamples, TimeSpan MinDwell);

/// <summary>The outcome of asking for a rollout.</summary>
public enum RolloutStartOutcome
{
    Started,
    FlagNotFound,
    AlreadyRunning,
}
