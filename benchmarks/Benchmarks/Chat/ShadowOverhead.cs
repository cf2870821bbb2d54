using Microsoft.EntityFrameworkCore;
using Pipeline.Infrastructure.Comparisons;
using Pipeline.Infrastructure.Flags;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// Caller latency with the routing flag off vs in shadow, one run: first at a fixed arrival rate well below
/// saturation, alternating off/shadow so drift shows as a difference between same-mode phases (the same load in both
/// modes, as a service in production sees it); then with a closed loop of 8 clients that saturates the machine
/// (where shadow's extra work can only come out of the served path). Goal: shadow adds ≤ 5 % at p50. (The comparator's
/// throughput has its own mode, <see cref="ComparatorThroughput"/>, which warms it up first.)
/// </summary>
public static class ShadowOverhead
{
    private const int Clients = 8;
    private const double FixedRate = 8;
    private const int Alternations = 3;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        await ChatLoad.RunAsync(system.ApiAddress, Clients, Warmup);
        Report("single", await ChatLoad.RunAsync(system.ApiAddress, 1, Warmup));
        await FixedRateAlternationsAsync(system);

        var off = await ChatLoad.RunAsync(system.ApiAddress, Clients, Measure);
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);
        await ChatLoad.RunAsync(system.ApiAddress, Clients, Warmup);
        var shadow = await ChatLoad.RunAsync(system.ApiAddress, Clients, Measure);

        Report("off", off);
        Report("shadow", shadow);
        Console.WriteLine($"shadow / off: p50 x{shadow.Percentile(0.5) / off.Percentile(0.5):0.00}, p95 x{shadow.Percentile(0.95) / off.Percentile(0.95):0.00}, " +
            $"throughput x{shadow.Throughput / off.Throughput:0.00}");
        return 0;
    }

    private static async Task FixedRateAlternationsAsync(BenchmarkSystem system)
    {
        var ratios = new List<double>();
        for (var round = 0; round < Alternations; round++)
        {
            var p50 = new Dictionary<string, double>();
            foreach (var status in new[] { FlagStatus.Disabled, FlagStatus.Shadow })
            {
                await system.SetFlagAsync(MigrationFlags.WorkflowComplete, status);
                await FixedRateLoad.RunAsync(system.ApiAddress, FixedRate, Warmup);
                var run = await FixedRateLoad.RunAsync(system.ApiAddress, FixedRate, Measure);
                p50[status] = run.Percentile(0.5);
                Console.WriteLine($"{FixedRate} req/s fixed, round {round + 1}, {(status == FlagStatus.Shadow ? "shadow" : "off")}: {run.Completed} answered, " +
                    $"p50 {run.Percentile(0.5):0.0} ms, p95 {run.Percentile(0.95):0.0} ms, p99 {run.Percentile(0.99):0.0} ms, errors {run.Errors}");
            }

            ratios.Add(p50[FlagStatus.Shadow] / p50[FlagStatus.Disabled]);
        }

        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        Console.WriteLine($"{FixedRate} req/s fixed: shadow / off p50 per round {string.Join(", ", ratios.Select(r => $"x{r:0.000}"))}; median x{ratios.Order().ElementAt(ratios.Count / 2):0.000}");
    }

    private static void Report(string mode, ChatLoad.Result result) =>
        Console.WriteLine($"{mode,-7} {(mode == "single" ? 1 : Clients)} clients {result.Seconds:0} s: {result.Throughput:0.0} req/s, p50 {result.Percentile(0.5):0.0} ms, " +
            $"p95 {result.Percentile(0.95):0.0} ms, p99 {result.Percentile(0.99):0.0} ms, errors {result.Errors}");
}
