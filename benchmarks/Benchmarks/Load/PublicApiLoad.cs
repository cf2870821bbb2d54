using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Pipeline.Api.Security;

namespace Pipeline.Benchmarks.Load;

/// <summary>
/// Closed-loop load on the public API: most clients post <c>POST /api/chat</c> (JSON), every fourth streams through the
/// SignalR hub, each starting its next request when the last one ended. Each client is a user of its own
/// (<c>X-User-Id</c>), so that the per-caller chat limit bounds each client as it would a person, and the load stays
/// within it at any throughput; together they still spend one address's budget.
/// </summary>
public static class PublicApiLoad
{
    private const int SignalRShare = 4;

    private static readonly string[] Questions =
    [
        "Cos'è il GDPR?", "Articolo 28 del GDPR", "What does a processor have to do under the GDPR?", "What is DORA?",
        "Confronta GDPR e ESPR", "What are the AI Act transparency obligations?", "Che cos'è il Cyber Resilience Act?",
    ];

    public static async Task<LoadResult> RunAsync(Uri api, int clients, TimeSpan duration)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        var samples = new List<LoadSample>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => client % SignalRShare == SignalRShare - 1
            ? HubClientAsync(api, client, clock, duration, samples)
            : JsonClientAsync(http, client, clock, duration, samples)));
        return new LoadResult(samples, clock.Elapsed.TotalSeconds);
    }

    private static async Task JsonClientAsync(HttpClient http, int client, Stopwatch clock, TimeSpan duration, List<LoadSample> samples)
    {
        for (var i = client; clock.Elapsed < duration; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var id = Guid.Empty;
            var ok = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = Questions[i % Questions.Length] }) };
                request.Headers.Add(CallerIdentity.UserIdHeader, UserOf(client));
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode)
                {
                    var result = await response.Content.ReadFromJsonAsync<JsonElement>();
                    id = result.GetProperty("requestId").GetGuid();
                    ok = true;
                }
            }
            catch (HttpRequestException)
            {
            }

            Record(samples, new LoadSample(id, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok, "json"));
        }
    }

    private static async Task HubClientAsync(Uri api, int client, Stopwatch clock, TimeSpan duration, List<LoadSample> samples)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(api, "/hubs/chat"), options => options.Headers[CallerIdentity.UserIdHeader] = UserOf(client))
            .Build();
        await connection.StartAsync();
        for (var i = client; clock.Elapsed < duration; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var id = Guid.Empty;
            var ok = false;
            await foreach (var e in connection.StreamAsync<JsonElement>("Chat", new { message = Questions[i % Questions.Length] }))
            {
                if (e.GetProperty("type").GetString() == "done")
                {
                    id = e.GetProperty("result").GetProperty("requestId").GetGuid();
                    ok = true;
                }
            }

            Record(samples, new LoadSample(id, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok, "signalr"));
        }
    }

    private static string UserOf(int client) => $"load-client-{client}";

    private static void Record(List<LoadSample> samples, LoadSample sample)
    {
        lock (samples)
            samples.Add(sample);
    }
}
