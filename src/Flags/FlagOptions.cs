using System.ComponentModel.DataAnnotations;

namespace Pipeline.Flags;

/// <summary>How a process keeps its flag snapshot fresh (<c>Flags:*</c>).</summary>
internal sealed class FlagOptions
{
    public const string SectionName = "Flags";

    /// <summary>Backstop poll; the <c>FlagChanged</c> event is what makes a kill switch take effect at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
