using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>
/// The evaluation rule (contract §2), pure and allocation-free: a disabled ancestor or status turns the flag off;
/// otherwise a targeted user or group, no percentage, or a bucket below the percentage selects the context, which
/// then runs in the flag's mode (shadow or on). 0 % selects nobody and 100 % everybody (buckets are below 100).
/// </summary>
public static class FlagEvaluation
{
    public static FlagDecision Evaluate(FlagSnapshot snapshot, string flagName, in FlagContext context)
    {
        if (!snapshot.TryGet(flagName, out var flag, out var ancestors))
            return new FlagDecision(FlagMode.Off, 0, DecisionReason.UnknownFlag);

        var bucket = FlagBucket.Of(flagName, context.BucketingKey);
        foreach (var ancestor in ancestors)
        {
            if (ancestor.Status == FlagStatus.Disabled)
                return new FlagDecision(FlagMode.Off, bucket, DecisionReason.KilledByParent, KilledBy: ancestor.Name);
        }

        if (flag.Status == FlagStatus.Disabled)
            return new FlagDecision(FlagMode.Off, bucket, DecisionReason.Disabled);

        var mode = flag.Status == FlagStatus.Shadow ? FlagMode.Shadow : FlagMode.On;
        if (context.UserId is { } user && flag.TargetUsers.Contains(user))
            return new FlagDecision(mode, bucket, DecisionReason.TargetedUser);
        if (context.Group is { } group && flag.TargetGroups.Contains(group))
            return new FlagDecision(mode, bucket, DecisionReason.TargetedGroup);
        if (flag.RolloutPercentage is not { } percentage)
            return new FlagDecision(mode, bucket, DecisionReason.Everyone);
        return bucket < percentage
            ? new FlagDecision(mode, bucket, DecisionReason.InRollout, percentage)
            : new FlagDecision(FlagMode.Off, bucket, DecisionReason.OutsideRollout, percentage);
    }
}
