using Pipeline.Benchmarks.Warmup;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// End-to-end chat with the built-in generator: 50 concurrent closed-loop clients for 60 s on the legacy path (the
/// routing flag as shipped). Goal: p95 ≤ 100 ms with 0 errors; the original design asks p95 &lt; 5 s, &gt; 10 req/s, &lt; 1 % errors.
/// </summary>
public static class ConcurrentChat
{
    private const int Clients = 50;
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        await JitSettledWarmup.RunAsync(slice => ChatLoad.RunAsync(system.ApiAddress, Clients, slice));
        var result = await ChatLoad.RunAsync(system.ApiAddress, Clients, Measure);
        var errorRate = (double)result.Errors / Math.Max(1, result.Completed + result.Errors);
        Console.WriteLine($"{Clients} clients {result.Seconds:0} s: {result.Throughput:0.0} req/s, p50 {result.Percentile(0.5):0} ms, " +
            $"p95 {result.Percentile(0.95):0} ms, p99 {result.Percentile(0.99):0} ms, errors {result.Errors} ({errorRate:P2})");
        return result.Errors == 0 ? 0 : 1;
    }
}
