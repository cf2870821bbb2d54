
namespace Pipeline.Flags;

/// <summary>A flag's answer for one context. A struct with no text of its own, so evaluating allocates nothing.</summary>
/// <param name="Bucket">The context's sticky bucket in [0, 100) for this flag, two decimals.</param>
/// <param name="Percentage">The rollout percentage compared with, when one applied.</param>
/// <param name="KilledBy">The disabled ancestor, for <see cref="DecisionReason.KilledByParent"/>.</param>
public readonly record struct FlagDecision(FlagMode Mode, double Bucket, DecisionReason Reason, double? Percentage = null, string? KilledBy = null)
{
    /// <summary>The explanation the evaluate endpoint shows.</summary>
    public string Explain() => Reason switch
    {
        DecisionReason.UnknownFlag => "unknown flag: off",
        DecisionReason.KilledByParent => $"killed by parent {KilledBy}",
        DecisionReason.Disabled => "flag disabled",
        DecisionReason.TargetedUser => "targeted user",
        DecisionReason.TargetedGroup => "targeted group",
        DecisionReason.Everyone => "no rollout percentage: everyone",
        DecisionReason.InRollout => FormattableString.Invariant($"bucket {Bucket:0.##} < {Percentage:0.##}"),
        DecisionReason.OutsideRollout => FormattableString.Invariant($"bucket {Bucket:0.##} >= {Percentage:0.##}"),
        _ => Reason.ToString(),
    };
}
