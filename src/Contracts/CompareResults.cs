namespace Pipeline.Contracts;

/// <summary>Command to the comparator: score a pair of answers to the same request and record the comparison.</summary>
/// <param name="OldResult">The served (old) side as JSON of its kind's result type.</param>
/// <param name="NewResult">The shadow (new) side as JSON; null when it failed or never came (<paramref name="NewOutcome"/> says which).</param>
/// <param name="NoiseSample">True when both sides are the old pipeline run twice: the pair measures the noise floor.</param>
public sealed record CompareResults(
    Guid RequestId,
    string FlagName,
    ComparisonKind Kind,
    string OldResult,
    string? NewResult,
    ComparedOutcome NewOutcome,
    long OldDurationMs,
    long? NewDurationMs,
    bool NoiseSample,
    Guid? ReplayId = null);
