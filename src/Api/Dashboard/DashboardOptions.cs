using System.ComponentModel.DataAnnotations;
using Pipeline.Api.Experiments;

namespace Pipeline.Api.Dashboard;

/// <summary>The operator dashboard's behaviour in the browser (section <c>Dashboard</c>).</summary>
internal sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>How often the page refreshes its data from the admin API.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The window and step of the live charts (<c>GET /api/metrics/series</c>).</summary>
    [Required]
    public string ChartWindow { get; set; } = "1h";

    [Required]
    public string ChartStep { get; set; } = "1m";

    /// <summary>How many comparisons the page lists.</summary>
    [Range(1, 500)]
    public int ComparisonLimit { get; set; } = 20;

    /// <summary>How many of the latest experiments the page shows side by side (at most what the experiments API lists).</summary>
    [Range(1, ExperimentEndpoints.MaxListed)]
    public int ExperimentLimit { get; set; } = 4;
}
