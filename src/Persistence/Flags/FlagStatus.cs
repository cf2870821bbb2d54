
namespace Pipeline.Persistence.Flags;

/// <summary>A flag's stored status (contract §2): the kill switch, shadow mode, or live.</summary>
public static class FlagStatus
{
    public const string Disabled = "disabled";
    public const string Shadow = "shadow";
    public const string Enabled = "enabled";

    public static readonly IReadOnlyList<string> All = [Disabled, Shadow, Enabled];
}
