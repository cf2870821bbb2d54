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

    /// <param name="fresh">
    /// Ask with web search requested, which skips the semantic cache (web results are fresh by request), so every answer
    /// is written by the pipeline that serves it; the test systems configure no search engine, so sources stay the
    /// knowledge base's.
    /// </param>
    public RolloutLoad(Func<HttpClient> clients, int concurrency, bool fresh = false)
    {
        _loops = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => LoopAsync(clients(), i, fresh))).ToArray();
    }

    private async Task LoopAsync(HttpClient http, int seed, bool fresh)
    {
        using var _ = http;
        var turn = seed;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var question = $"{Questions[turn++ % Questions.Length]} ({turn})";
                using var response = await http.PostAsJsonAsync("/api/chat", new { message = question, webSearchEnabled = fresh }, _stop.Token);
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
