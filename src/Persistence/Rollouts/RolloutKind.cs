
namespace Pipeline.Persistence.Rollouts;

/// <summary>What a rollout must establish before each advance.</summary>
public static class RolloutKind
{
    /// <summary>A re-platforming step: the new side must answer as the old one does (match rate, error rate, latency).</summary>
    public const string Equivalence = "equivalence";

    /// <summary>
    /// An optimisation: the new side answers differently on purpose and must score at least as well on evals (and, to
    /// complete, better beyond noise), with error rate and latency as for equivalence.
    /// </summary>
    public const string Improvement = "improvement";

    public static IReadOnlyList<string> All { get; } = [Equivalence, Improvement];
}
