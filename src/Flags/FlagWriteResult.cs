using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>The outcome of a flag write.</summary>
public enum FlagWriteOutcome
{
    Created,
    Updated,
    NotFound,
    VersionConflict,
    Invalid,
}

/// <summary>What a write did, the flag as it now stands, and what was wrong with an invalid one.</summary>
public sealed record FlagWriteResult(FlagWriteOutcome Outcome, FeatureFlag? Flag = null, IDictionary<string, string[]>? Errors = null);
