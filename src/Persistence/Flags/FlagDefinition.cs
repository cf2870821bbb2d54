
namespace Pipeline.Persistence.Flags;

/// <summary>A flag as evaluation needs it, immutable inside a snapshot.</summary>
public sealed record FlagDefinition(
    string Name,
    string Status,
    double? RolloutPercentage,
    IReadOnlySet<string> TargetUsers,
    IReadOnlySet<string> TargetGroups,
    string? Parent);
