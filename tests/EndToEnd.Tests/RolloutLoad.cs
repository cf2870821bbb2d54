using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace Pipeline.EndToEnd.Tests;

/// <summary>Closed-loop chat traffic from anonymous callers (a fresh bucketing key per request) until stopped.</summary>
public sealed class RolloutLoad : IAsyncDisposable
{
    private static readonly string[] Questions =
    [
        "Cos'è il GDPR?", "What is DORA?", "Articolo 28 del GDPR", "What does the AI Act say about high-risk systems?",
        "Confronta GDPR e DORA", "Che cos'è il Cyber Resilience Act?",
    ];

    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    public RolloutLoad(Func<HttpClient> clients, int concurrency)
    {
        _loops = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => LoopAsync(clients(), i))).ToArray();
    }

    private async Task LoopAsync(HttpClient http, int seed)
    {
        using var _ = http;
        var turn = seed;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var question = $"{Questions[turn++ % Questions.Length]} ({turn})";
                using var response = await http.PostAsJsonAsync("/api/chat", new { message = question }, _stop.Token);
                Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
