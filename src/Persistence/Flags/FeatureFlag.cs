namespace Pipeline.Persistence.Flags;

/// <summary>A stored flag (<c>feature_flags</c>), the contract's Flag shape.</summary>
public sealed class FeatureFlag
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string Status { get; set; } = FlagStatus.Disabled;
    public double? RolloutPercentage { get; set; }
    public List<string> TargetUsers { get; set; } = [];
    public List<string> TargetGroups { get; set; } = [];
    public string? Parent { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    /// <summary>Incremented on every change; writes name the version they read (optimistic concurrency).</summary>
    public long Version { get; set; }

    public FlagDefinition ToDefinition() => new(Name, Status, RolloutPercentage,
        TargetUsers.ToHashSet(StringComparer.Ordinal), TargetGroups.ToHashSet(StringComparer.Ordinal), Parent);
}
