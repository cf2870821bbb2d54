
namespace Pipeline.Rollouts;

/// <summary>What the judge decided for a stage.</summary>
public enum RolloutAction
{
    Hold,
    Advance,

    /// <summary>Performance contingency: halve the rollout and watch again.</summary>
    Halve,

    /// <summary>Critical contingency: back to 0 % at once.</summary>
    RollBack,
}

/// <summary>A decision with the reasons and figures that made it, as it lands in the audit trail.</summary>
public sealed record RolloutVerdict(RolloutAction Action, string Reason, IReadOnlyDictionary<string, object?> Evidence);
