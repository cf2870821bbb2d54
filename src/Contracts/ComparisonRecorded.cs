namespace Pipeline.Contracts;

/// <summary>A shadow pair was scored and stored.</summary>
public sealed record ComparisonRecorded(
    Guid ComparisonId,
    Guid RequestId,
    string FlagName,
    ComparisonKind Kind,
    bool Match,
    double TextSimilarity,
    bool CitationsMatch,
    bool SourcesMatch,
    Guid? ReplayId = null);
