using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Pipeline.Answering.WebSearch;

/// <summary>Calls a SearxNG instance's JSON API (<c>GET /search?q=…&amp;format=json</c>).</summary>
internal sealed class SearxngWebSearchProvider(HttpClient http, IOptions<WebSearchOptions> options) : IWebSearchProvider
{
    public async Task<IReadOnlyList<WebResult>> SearchAsync(string query, int count, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.BaseUrl ?? throw new InvalidOperationException("WebSearch:BaseUrl is not configured.");
        var response = await http.GetFromJsonAsync<SearxngResponse>(new Uri(baseUrl, $"search?q={Uri.EscapeDataString(query)}&format=json"), cancellationToken);
        return (response?.Results ?? [])
            .Where(r => !string.IsNullOrWhiteSpace(r.Url))
            .Take(count)
            .Select(r => new WebResult(r.Url!, r.Title ?? r.Url!, r.Content ?? ""))
            .ToList();
    }

    private sealed record SearxngResponse([property: JsonPropertyName("results")] List<SearxngResult>? Results);

    private sealed record SearxngResult(
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("title")] string? Title,
        [property: JsonPropertyName("content")] string? Content);
}
