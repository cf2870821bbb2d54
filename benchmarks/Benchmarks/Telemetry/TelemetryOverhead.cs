using Pipeline.Benchmarks.Chat;
using Pipeline.Flags;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Persistence.Flags;

namespace Pipeline.Benchmarks.Telemetry;

/// <summary>
/// What telemetry costs the caller, two ways. First, in one running system exporting over OTLP to a loopback
/// collector, the <c>telemetry</c> flag toggled: every trace recorded and exported vs none (eight rounds). Then the
/// whole system started with <c>Telemetry:Enabled=false</c> (no OpenTelemetry at all) and with every trace kept and
/// exported, alternating off/on twice each after one discarded phase, each after a JIT warm-up. The workers run as processes of their own, as deployed: in one process every host's tracer provider would
/// record and export every span of the others.
/// One client (the cost of one request, not of saturation). Goal: &lt; 1 ms at p50.
/// </summary>
public static class TelemetryOverhead
{
    private const int Phases = 5;
    private const int FlagRounds = 8;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);

    // Four freshly started processes spend their first minute tiering up JIT code (more of it with OpenTelemetry
    // loaded): measured earlier, a 5 s warm-up left that in the figures and made "on" look 10 ms dearer.
    private static readonly TimeSpan JitWarmup = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FlagMeasure = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync()
    {
        await using var sink = await OtlpSink.StartAsync();
        await FlagAlternationsAsync(sink);
        var p50 = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        for (var phase = 0; phase < Phases; phase++)
        {
            var enabled = phase % 2 == 0 && phase > 0;
            var exportsBefore = sink.Exports;
            var bytesBefore = sink.Bytes;
            var overrides = enabled
                ? ExportingTo(sink)
                : new Dictionary<string, string?> { [$"{TelemetryOptions.SectionName}:Enabled"] = "false" };

            await using (var system = await BenchmarkSystem.StartAsync(overrides, workersAsProcesses: true))
            {
                var warmup = await ChatLoad.RunAsync(system.ApiAddress, 1, JitWarmup);
                var result = await ChatLoad.RunAsync(system.ApiAddress, 1, Measure);
                var requests = warmup.Completed + result.Completed;
                if (phase > 0)
                    p50[enabled].Add(result.Percentile(0.5));
                Console.WriteLine($"phase {phase}{(phase == 0 ? " (discarded)" : "")} telemetry {(enabled ? "on " : "off")}: {result.Completed} requests, p50 {result.Percentile(0.5):0.00} ms, " +
                    $"p95 {result.Percentile(0.95):0.00} ms, errors {result.Errors}" +
                    (enabled ? $", OTLP exports received {sink.Exports - exportsBefore}, {(sink.Bytes - bytesBefore) / 1024.0 / Math.Max(1, requests):0.0} KiB per request so far" : ""));
            }
        }

        await CensusAsync(sink);
        var off = p50[false].Average();
        var on = p50[true].Average();
        var pairs = p50[false].Zip(p50[true], (a, b) => b - a).Order().ToList();
        Console.WriteLine($"p50 on - off: mean {on - off:+0.00;-0.00} ms, median of the {pairs.Count} adjacent pairs {pairs[pairs.Count / 2]:+0.00;-0.00} ms (off phases {string.Join(" / ", p50[false].Select(v => v.ToString("0.00")))} ms, " +
            $"on phases {string.Join(" / ", p50[true].Select(v => v.ToString("0.00")))} ms); OTLP bytes received {sink.Bytes:N0}");
        return 0;
    }

    /// <summary>
    /// Traces recorded and exported vs not, in one running system (so warm-up and drift are shared): the
    /// <c>telemetry</c> flag alternately disabled and enabled, the first mode of each round alternating too.
    /// </summary>
    public static async Task<int> FlagAlternationsAsync()
    {
        await using var sink = await OtlpSink.StartAsync();
        await FlagAlternationsAsync(sink);
        await CensusAsync(sink);
        return 0;
    }

    private static async Task FlagAlternationsAsync(OtlpSink sink)
    {
        await using var system = await BenchmarkSystem.StartAsync(ExportingTo(sink), workersAsProcesses: true);
        await ChatLoad.RunAsync(system.ApiAddress, 1, JitWarmup);
        var differences = new List<double>();
        for (var round = 0; round < FlagRounds; round++)
        {
            var p50 = new Dictionary<string, double>();
            var order = round % 2 == 0 ? new[] { FlagStatus.Disabled, FlagStatus.Enabled } : [FlagStatus.Enabled, FlagStatus.Disabled];
            foreach (var status in order)
            {
                await system.SetFlagAsync(MigrationFlags.Telemetry, status);
                var bytesBefore = sink.Bytes;
                var result = await ChatLoad.RunAsync(system.ApiAddress, 1, FlagMeasure);
                p50[status] = result.Percentile(0.5);
                Console.WriteLine($"flag round {round + 1} traces {(status == FlagStatus.Enabled ? "on " : "off")}: {result.Completed} requests, p50 {result.Percentile(0.5):0.00} ms, " +
                    $"p95 {result.Percentile(0.95):0.00} ms, errors {result.Errors}, OTLP {(sink.Bytes - bytesBefore) / 1024.0 / Math.Max(1, result.Completed):0.0} KiB per request");
            }

            differences.Add(p50[FlagStatus.Enabled] - p50[FlagStatus.Disabled]);
        }

        var sorted = differences.Order().ToList();
        Console.WriteLine($"traces on - off at p50 (telemetry flag, one system): per round {string.Join(" / ", differences.Select(d => d.ToString("+0.00;-0.00")))} ms; " +
            $"median {(sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2:+0.00;-0.00} ms, mean {differences.Average():+0.00;-0.00} ms");
        await system.SetFlagAsync(MigrationFlags.Telemetry, FlagStatus.Enabled);
    }

    /// <summary>What one traced request records, by span: the lead for what to trim.</summary>
    public static async Task<int> CensusAsync()
    {
        await using var sink = await OtlpSink.StartAsync();
        await CensusAsync(sink);
        return 0;
    }

    private static async Task CensusAsync(OtlpSink sink)
    {
        await using var system = await BenchmarkSystem.StartAsync(ExportingTo(sink));
        await ChatLoad.RunAsync(system.ApiAddress, 1, Warmup);
        using var census = new SpanCensus();
        var bytesBefore = sink.Bytes;
        var result = await ChatLoad.RunAsync(system.ApiAddress, 1, Warmup);
        // Let the last batch export before reading the byte count.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Console.WriteLine($"span census: {result.Completed} requests, {census.Total / (double)result.Completed:0.0} recorded spans and " +
            $"{(sink.Bytes - bytesBefore) / (double)result.Completed / 1024:0.0} KiB of OTLP per request; most frequent:");
        foreach (var (source, name, count) in census.Top(25))
            Console.WriteLine($"  {count / (double)result.Completed,6:0.0}  {source,-20} {name}");
    }

    /// <summary>Settings of a system with OpenTelemetry on, exporting every trace to <paramref name="sink"/> over OTLP/HTTP.</summary>
    private static Dictionary<string, string?> ExportingTo(OtlpSink sink) => new()
    {
        [$"{TelemetryOptions.SectionName}:Enabled"] = "true",
        [TelemetryServiceCollectionExtensions.OtlpEndpointVariable] = sink.Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // Export often, as a busy service would, rather than idling on the 5 s default.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
    };
}
