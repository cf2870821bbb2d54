using Microsoft.EntityFrameworkCore;
using Pipeline.Benchmarks.Warmup;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// Caller latency with the routing flag off vs in shadow, one run: first at a fixed arrival rate well below
/// saturation (the same load in both modes, as a service in production sees it), off and shadow alternating in short
/// phases whose latencies are pooled per mode; then with a closed loop of 8 clients that saturates the machine
/// (where shadow's extra work can only come out of the served path). Goal: shadow adds ≤ 5 % at p50. (The comparator's
/// throughput has its own mode, <see cref="ComparatorThroughput"/>, which warms it up first.)
/// </summary>
public static class ShadowOverhead
{
    private const int Clients = 8;
    private const double FixedRate = 8;
    private const int Alternations = 8;
    private static readonly TimeSpan PhaseSettle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PhaseMeasure = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(20);
    private static readonly string[] Modes = [FlagStatus.Disabled, FlagStatus.Shadow];

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        await JitSettledWarmup.RunAcrossModesAsync(system, Modes, slice => ChatLoad.RunAsync(system.ApiAddress, Clients, slice));
        Report("single client", await ChatLoad.RunAsync(system.ApiAddress, 1, Warmup));
        await FixedRateAlternationsAsync(system);

        var off = await ChatLoad.RunAsync(system.ApiAddress, Clients, Measure);
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);
        await ChatLoad.RunAsync(system.ApiAddress, Clients, Warmup);
        var shadow = await ChatLoad.RunAsync(system.ApiAddress, Clients, Measure);

        Report($"off, {Clients} clients", off);
        Report($"shadow, {Clients} clients", shadow);
        Console.WriteLine($"shadow / off: p50 x{shadow.Percentile(0.5) / off.Percentile(0.5):0.00}, p95 x{shadow.Percentile(0.95) / off.Percentile(0.95):0.00}, " +
            $"throughput x{shadow.Throughput / off.Throughput:0.00}");
        return 0;
    }

    /// <summary>
    /// Short phases, many alternations, the order flipped every round (off-shadow, shadow-off, …) so slow drift of
    /// the machine falls on both modes alike; each mode's latencies are pooled over all its phases. (Three 20 s phases
    /// per mode gave same-mode phases 38 and 59 ms apart on this kind of machine: drift, not shadow.)
    /// </summary>
    private static async Task FixedRateAlternationsAsync(BenchmarkSystem system)
    {
        var pooled = new Dictionary<string, List<double>> { [FlagStatus.Disabled] = [], [FlagStatus.Shadow] = [] };
        var ratios = new List<double>();
        var errors = 0;
        for (var round = 0; round < Alternations; round++)
        {
            var p50 = new Dictionary<string, double>();
            var order = round % 2 == 0 ? new[] { FlagStatus.Disabled, FlagStatus.Shadow } : [FlagStatus.Shadow, FlagStatus.Disabled];
            foreach (var status in order)
            {
                await system.SetFlagAsync(MigrationFlags.WorkflowComplete, status);
                await FixedRateLoad.RunAsync(system.ApiAddress, FixedRate, PhaseSettle);
                var run = await FixedRateLoad.RunAsync(system.ApiAddress, FixedRate, PhaseMeasure);
                pooled[status].AddRange(run.LatenciesMs);
                errors += run.Errors;
                p50[status] = run.Percentile(0.5);
            }

            ratios.Add(p50[FlagStatus.Shadow] / p50[FlagStatus.Disabled]);
            Console.WriteLine($"{FixedRate} req/s fixed, round {round + 1}: off p50 {p50[FlagStatus.Disabled]:0.0} ms, shadow p50 {p50[FlagStatus.Shadow]:0.0} ms, x{ratios[^1]:0.000}");
        }

        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        var off = Pooled(pooled[FlagStatus.Disabled]);
        var shadow = Pooled(pooled[FlagStatus.Shadow]);
        Report($"{FixedRate} req/s fixed, off, {Alternations} phases pooled", off);
        Report($"{FixedRate} req/s fixed, shadow, {Alternations} phases pooled", shadow);
        Console.WriteLine($"{FixedRate} req/s fixed: errors {errors}; shadow / off pooled p50 x{shadow.Percentile(0.5) / off.Percentile(0.5):0.000}, " +
            $"p95 x{shadow.Percentile(0.95) / off.Percentile(0.95):0.000}; per-round p50 ratios median x{ratios.Order().ElementAt(ratios.Count / 2):0.000} " +
            $"(min x{ratios.Min():0.000}, max x{ratios.Max():0.000})");
    }

    private static ChatLoad.Result Pooled(List<double> latencies) =>
        new(latencies.Count, 0, PhaseMeasure.TotalSeconds * Alternations, latencies.Order().ToArray());

    private static void Report(string label, ChatLoad.Result result) =>
        Console.WriteLine($"{label}: {result.Completed} answered in {result.Seconds:0} s ({result.Throughput:0.0} req/s), p50 {result.Percentile(0.5):0.0} ms, " +
            $"p95 {result.Percentile(0.95):0.0} ms, p99 {result.Percentile(0.99):0.0} ms, errors {result.Errors}");
}
