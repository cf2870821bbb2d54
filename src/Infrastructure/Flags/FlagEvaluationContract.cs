namespace Pipeline.Infrastructure.Flags;

// Placeholder shapes agreed with the flag store's implementation (branch `flags`); replaced when it merges.

/// <summary>What a flag means for one request.</summary>
public enum FlagMode { Off, Shadow, On }

/// <summary>Who a flag is evaluated for.</summary>
public readonly record struct FlagContext(string BucketingKey, string? UserId, string? Group);

/// <summary>A flag's answer for one context.</summary>
public readonly record struct FlagDecision(FlagMode Mode, double Bucket);

/// <summary>Evaluates flags from an in-memory snapshot.</summary>
public interface IFlagEvaluator
{
    FlagDecision Evaluate(string flagName, in FlagContext context);
}
