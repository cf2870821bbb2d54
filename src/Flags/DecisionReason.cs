
namespace Pipeline.Flags;

/// <summary>Why a flag evaluated as it did; formatted into text only where a person reads it.</summary>
public enum DecisionReason
{
    UnknownFlag,
    KilledByParent,
    Disabled,
    TargetedUser,
    TargetedGroup,
    Everyone,
    InRollout,
    OutsideRollout,

    /// <summary>An experiment set the step for its own request, whatever the flag says.</summary>
    Experiment,
}
