using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Pipeline.EndToEnd.Tests;

/// <summary>Calls the chat API the three ways the contract offers and returns what a caller would see.</summary>
public static class ChatClient
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(HttpClient http, object body, string? userId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(body) };
        if (userId is not null)
            request.Headers.Add("X-User-Id", userId);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The SSE stream as (event name, data) pairs, plus the response for its headers.</summary>
    public static async Task<(HttpResponseMessage Response, List<(string Event, JsonElement Data)> Events)> PostSseAsync(HttpClient http, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<(string, JsonElement)>();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
                name = line["event:".Length..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal))
                data.Append(line["data:".Length..].TrimStart());
            else if (line.Length == 0 && data.Length > 0)
            {
                events.Add((name ?? "message", JsonDocument.Parse(data.ToString()).RootElement.Clone()));
                name = null;
                data.Clear();
            }
        }

        return (response, events);
    }

    public static async Task<List<JsonElement>> StreamHubAsync(Uri apiAddress, object body, string? userId = null)
    {
        await using var connection = Connect(apiAddress, userId);
        await connection.StartAsync();
        var events = new List<JsonElement>();
        await foreach (var e in connection.StreamAsync<JsonElement>("Chat", body))
            events.Add(e);
        return events;
    }

    public static HubConnection Connect(Uri apiAddress, string? userId = null) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(apiAddress, "/hubs/chat"), options =>
            {
                if (userId is not null)
                    options.Headers["X-User-Id"] = userId;
            })
            .Build();

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString() ?? "";
}

/// <summary>Reads JSON responses as elements.</summary>
public static class HttpJsonExtensions
{
    public static async Task<JsonElement> GetFromJsonAsyncElement(this HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
