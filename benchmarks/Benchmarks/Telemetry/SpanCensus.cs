using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pipeline.Benchmarks.Telemetry;

/// <summary>
/// Counts the spans the process actually records (sampled in), by source and name, so the telemetry benchmark can say
/// what a traced request costs in spans and where they come from. It never samples anything in by itself.
/// </summary>
public sealed class SpanCensus : IDisposable
{
    private readonly ConcurrentDictionary<(string Source, string Name), int> _counts = new();
    private readonly ActivityListener _listener;

    public SpanCensus()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            // Votes for nothing: whether a span exists and is recorded stays the OpenTelemetry samplers' decision.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.Recorded)
                    _counts.AddOrUpdate((activity.Source.Name, activity.OperationName), 1, (_, n) => n + 1);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Total => _counts.Values.Sum();

    /// <summary>The most frequent spans, most first.</summary>
    public IEnumerable<(string Source, string Name, int Count)> Top(int count) =>
        _counts.OrderByDescending(c => c.Value).Take(count).Select(c => (c.Key.Source, c.Key.Name, c.Value));

    public void Dispose() => _listener.Dispose();
}
