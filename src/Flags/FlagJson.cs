using System.Text.Json;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>The JSON a flag has in the API and in its audit trail (contract §2 Flag shape).</summary>
public static class FlagJson
{
    public static FlagView View(FeatureFlag flag) => new(flag.Name, flag.Description, flag.Status, flag.RolloutPercentage,
        flag.TargetUsers, flag.TargetGroups, flag.Parent, flag.UpdatedAt, flag.UpdatedBy, flag.Version);

    public static string Serialize(FeatureFlag flag) => JsonSerializer.Serialize(View(flag), PipelineJson.Options);
}

/// <summary>A flag as callers see it.</summary>
public sealed record FlagView(
    string Name,
    string Description,
    string Status,
    double? RolloutPercentage,
    IReadOnlyList<string> TargetUsers,
    IReadOnlyList<string> TargetGroups,
    string? Parent,
    DateTime UpdatedAt,
    string UpdatedBy,
    long Version);
