namespace Pipeline.Contracts;

/// <summary>A feature flag changed; every process that evaluates flags refreshes its snapshot.</summary>
/// <param name="RequestId">Correlates the change with the admin request that made it.</param>
public sealed record FlagChanged(
    Guid RequestId,
    string Name,
    string Status,
    double? RolloutPercentage,
    long Version,
    string Actor,
    DateTime ChangedAt);
