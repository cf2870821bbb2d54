using System.Collections.Concurrent;
using System.Diagnostics;
using Pipeline.Benchmarks.Warmup;
using Pipeline.Flags;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Persistence.Flags;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// Where a request's time goes, hop by hop: OpenTelemetry off, an in-process listener records the spans of the bus
/// and the pipelines (no export), a light fixed-rate load runs with the routing flag off and in shadow, and for each
/// span name the median start and end relative to the HTTP request's start are printed in start order. The lead for
/// cutting the served path, not a figure to quote as latency (the listener itself costs a little).
/// </summary>
public static class LatencyTimeline
{
    private const double Rate = 4;
    private const int WarmupClients = 8;
    private static readonly string[] WarmedStatuses = [FlagStatus.Disabled, FlagStatus.Shadow];
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(25);
    private static readonly string[] Sources = ["MassTransit", "Microsoft.AspNetCore", PipelineTelemetry.SourceName, "Npgsql"];

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync(new Dictionary<string, string?> { [$"{TelemetryOptions.SectionName}:Enabled"] = "false" });
        await JitSettledWarmup.RunAcrossModesAsync(system, WarmedStatuses, slice => ChatLoad.RunAsync(system.ApiAddress, WarmupClients, slice));
        foreach (var status in new[] { FlagStatus.Disabled, FlagStatus.Shadow, FlagStatus.Disabled, FlagStatus.Shadow })
        {
            await system.SetFlagAsync(MigrationFlags.WorkflowComplete, status);
            await FixedRateLoad.RunAsync(system.ApiAddress, Rate, TimeSpan.FromSeconds(5));
            using var recorder = new SpanRecorder();
            var run = await FixedRateLoad.RunAsync(system.ApiAddress, Rate, Measure);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Console.WriteLine($"== {status}: {run.Completed} answered, p50 {run.Percentile(0.5):0.0} ms, p95 {run.Percentile(0.95):0.0} ms");
            recorder.Print();
        }

        return 0;
    }

    internal sealed class SpanRecorder : IDisposable
    {
        private readonly ConcurrentBag<Activity> _spans = [];
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => Sources.Any(prefix => s.Name.StartsWith(prefix, StringComparison.Ordinal)),
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _spans.Add,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public void Print()
        {
            var traces = _spans.GroupBy(s => s.TraceId)
                .Select(t => (Root: t.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.OperationName.Contains("HttpRequestIn")), Spans: t.ToList()))
                // Without OpenTelemetry's instrumentation the HTTP span has no route name: chat requests are the ones that reach the bus.
                .Where(t => t.Root is not null && t.Spans.Any(s => s.Source.Name == "MassTransit"))
                .ToList();
            var rows = traces.SelectMany(t => t.Spans
                    .Select(s => (Key: Describe(s), Span: s))
                    .GroupBy(s => s.Key)
                    // The n-th span of a name in a trace is its own row, so two receives of one queue do not share a median.
                    .SelectMany(g => g.OrderBy(s => s.Span.StartTimeUtc).Select((s, n) => (Key: $"{s.Key} #{n + 1}",
                        Start: (s.Span.StartTimeUtc - t.Root!.StartTimeUtc).TotalMilliseconds,
                        End: (s.Span.StartTimeUtc + s.Span.Duration - t.Root.StartTimeUtc).TotalMilliseconds))))
                .GroupBy(r => r.Key)
                .Select(g => (g.Key, Count: g.Count() / (double)traces.Count, Start: Median(g.Select(r => r.Start)), End: Median(g.Select(r => r.End))))
                .Where(r => r.Count >= 0.5)
                .OrderBy(r => r.Start);
            // One typical request in full, every span in start order: what the medians above leave out.
            var typical = traces.OrderBy(t => t.Root!.Duration).ElementAt(traces.Count / 2);
            Console.WriteLine($"a typical request ({typical.Root!.Duration.TotalMilliseconds:0.0} ms), span by span:");
            foreach (var span in typical.Spans.OrderBy(s => s.StartTimeUtc))
            {
                var statement = span.GetTagItem("db.query.text") as string ?? span.GetTagItem("db.statement") as string;
                Console.WriteLine($"  {(span.StartTimeUtc - typical.Root.StartTimeUtc).TotalMilliseconds,7:0.0} {span.Duration.TotalMilliseconds,6:0.0}  {Describe(span)} {statement?.ReplaceLineEndings(" ")[..Math.Min(90, statement.Length)]}");
            }

            Console.WriteLine($"{traces.Count} traces; per trace: count, median start, median end (ms from the HTTP request's start)");
            foreach (var row in rows)
                Console.WriteLine($"  {row.Count,5:0.0} {row.Start,8:0.0} {row.End,8:0.0}  {row.Key}");
        }

        /// <summary>
        /// For requests made one at a time (each with its start and the caller's first token), the median of every span's
        /// start and end and of every span event, in ms from the caller's start: the trace of a request is the one whose
        /// span named <paramref name="anchor"/> started between the request's start and its first token.
        /// </summary>
        public void PrintAgainstCallers(IReadOnlyList<(DateTime Started, double FirstTokenMs)> requests, string anchor)
        {
            var traces = _spans.GroupBy(s => s.TraceId).Select(t => t.ToList()).ToList();
            var rows = new List<(string Key, double Start, double End)>();
            var matched = 0;
            foreach (var (started, firstTokenMs) in requests)
            {
                var trace = traces.FirstOrDefault(t => t.Any(s => s.OperationName == anchor
                    && s.StartTimeUtc >= started && (s.StartTimeUtc - started).TotalMilliseconds <= firstTokenMs));
                if (trace is null)
                    continue;
                matched++;
                rows.Add(("token event at the caller", firstTokenMs, firstTokenMs));
                foreach (var group in trace.GroupBy(Describe))
                {
                    foreach (var (span, n) in group.OrderBy(s => s.StartTimeUtc).Select((s, n) => (s, n)))
                    {
                        rows.Add(($"{group.Key} #{n + 1}", (span.StartTimeUtc - started).TotalMilliseconds, (span.StartTimeUtc + span.Duration - started).TotalMilliseconds));
                        foreach (var e in span.Events)
                            rows.Add(($"event {e.Name} in {span.DisplayName}", (e.Timestamp.UtcDateTime - started).TotalMilliseconds, (e.Timestamp.UtcDateTime - started).TotalMilliseconds));
                    }
                }

                // Token messages are sent untraced, so their receipt at the caller's instance is a trace of its own: the
                // first of each kind of span that starts before this caller's first token.
                var firstToken = started + TimeSpan.FromMilliseconds(firstTokenMs);
                foreach (var group in _spans.Where(s => s.StartTimeUtc >= started && s.StartTimeUtc <= firstToken && Describe(s).Contains(UntracedTokenType, StringComparison.Ordinal))
                             .GroupBy(Describe))
                {
                    var span = group.MinBy(s => s.StartTimeUtc)!;
                    rows.Add(($"{group.Key} (untraced) #1", (span.StartTimeUtc - started).TotalMilliseconds, (span.StartTimeUtc + span.Duration - started).TotalMilliseconds));
                }
            }

            Console.WriteLine($"{matched} of {requests.Count} requests traced; per request: count, median start, median end (ms from the caller's start)");
            foreach (var row in rows.GroupBy(r => r.Key)
                         .Select(g => (g.Key, Count: g.Count() / (double)Math.Max(1, matched), Start: Median(g.Select(r => r.Start)), End: Median(g.Select(r => r.End))))
                         .Where(r => r.Count >= 0.5)
                         .OrderBy(r => r.Start))
                Console.WriteLine($"  {row.Count,5:0.0} {row.Start,8:0.0} {row.End,8:0.0}  {row.Key}");
        }

        private const string UntracedTokenType = nameof(Pipeline.Contracts.ChatTokenStreamed);

        private static string Describe(Activity span)
        {
            var type = span.GetTagItem("messaging.masstransit.message_types") as string ?? span.GetTagItem("messaging.message.type") as string;
            var shortType = type?.Split(':').LastOrDefault();
            var statement = span.Source.Name == "Npgsql" ? (span.GetTagItem("db.statement") as string ?? span.GetTagItem("db.query.text") as string)?.Split(' ').FirstOrDefault() : null;
            return $"{span.Source.Name[..Math.Min(11, span.Source.Name.Length)],-11} {span.DisplayName} {shortType}{statement}";
        }

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }

        public void Dispose() => _listener.Dispose();
    }
}
