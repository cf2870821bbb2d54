using System.ComponentModel.DataAnnotations;

namespace Pipeline.Answering.WebSearch;

/// <summary>Optional web search through a SearxNG-compatible endpoint (<c>WebSearch:*</c>); off by default.</summary>
public sealed class WebSearchOptions
{
    public const string SectionName = "WebSearch";

    public bool Enabled { get; set; }

    /// <summary>Base address of the SearxNG instance (its <c>/search?format=json</c> is called).</summary>
    public Uri? BaseUrl { get; set; }

    [Range(1, 20)] public int MaxResults { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
