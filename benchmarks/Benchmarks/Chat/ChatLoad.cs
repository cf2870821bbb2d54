using System.Diagnostics;
using System.Net.Http.Json;

namespace Pipeline.Benchmarks.Chat;

/// <summary>A closed-loop load: a fixed number of clients, each posting a chat request as soon as its last one ended.</summary>
public static class ChatLoad
{
    internal static readonly string[] Questions =
    [
        "Cos'è il GDPR?", "Articolo 28 del GDPR", "What does a processor have to do under the GDPR?", "What is DORA?",
        "Confronta GDPR e ESPR", "What are the AI Act transparency obligations?", "Che cos'è il Cyber Resilience Act?",
    ];

    public sealed record Result(int Completed, int Errors, double Seconds, double[] LatenciesMs)
    {
        /// <summary>Per answered request, the pipeline's own work as the answer reports it (<c>latencyMs</c>), where measured.</summary>
        public IReadOnlyList<double> OwnWorkMs { get; init; } = [];

        /// <summary>Per answered request, the caller's latency minus the pipeline's own work: what the message path added.</summary>
        public IReadOnlyList<double> OverheadMs { get; init; } = [];

        public double Throughput => Completed / Seconds;
        public double Percentile(double p) => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Max(0, (int)Math.Ceiling(p * LatenciesMs.Length) - 1)];
    }

    public static async Task<Result> RunAsync(Uri api, int clients, TimeSpan duration)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        var latencies = new List<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var i = client;
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsJsonAsync("/api/chat", new { message = Questions[i++ % Questions.Length] },
                        cancellationToken: CancellationToken.None);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.IsSuccessStatusCode)
                    {
                        lock (latencies)
                            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var sorted = latencies.Order().ToArray();
        return new Result(sorted.Length, errors, clock.Elapsed.TotalSeconds, sorted);
    }
}
