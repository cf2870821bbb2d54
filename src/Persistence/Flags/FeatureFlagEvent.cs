namespace Pipeline.Persistence.Flags;

/// <summary>An audit entry (<c>feature_flag_events</c>): who changed a flag, from what, to what, and why.</summary>
public sealed class FeatureFlagEvent
{
    public Guid Id { get; set; }
    public string FlagName { get; set; } = "";
    public DateTime At { get; set; }

    /// <summary>created, updated, killed, failure, rollout, …</summary>
    public string Type { get; set; } = "";
    public string Actor { get; set; } = "";

    /// <summary>The flag before and after the change, as JSON (null where there was none).</summary>
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? Reason { get; set; }
}
