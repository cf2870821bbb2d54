using System.Diagnostics;

namespace Pipeline.Benchmarks.Load;

/// <summary>Closed-loop load: each client starts its next request when the last one ended, until the time is up.</summary>
public static class ClosedLoop
{
    /// <summary>Runs <paramref name="request"/> (which returns the request's id and whether it succeeded) from every client.</summary>
    public static async Task<LoadResult> RunAsync(int clients, TimeSpan duration, string client, Func<Task<(Guid Id, bool Succeeded)>> request)
    {
        var samples = new List<LoadSample>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var (id, succeeded) = await request();
                var sample = new LoadSample(id, Stopwatch.GetElapsedTime(started).TotalMilliseconds, succeeded, client);
                lock (samples)
                    samples.Add(sample);
            }
        }));
        return new LoadResult(samples, clock.Elapsed.TotalSeconds);
    }
}
