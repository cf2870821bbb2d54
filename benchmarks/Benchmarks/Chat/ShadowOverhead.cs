using Microsoft.EntityFrameworkCore;
using Pipeline.Infrastructure.Comparisons;
using Pipeline.Infrastructure.Flags;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// Caller latency with the routing flag off vs in shadow, same closed-loop load, one run; then how many shadow
/// pairs the comparator scored and persisted per second. Goals: shadow adds ≤ 5 % at p50; comparator ≥ 1,000 pairs/s.
/// </summary>
public static class ShadowOverhead
{
    private const int Clients = 8;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        await ChatLoad.RunAsync(system.ApiAddress, Clients, Warmup);
        Report("single", await ChatLoad.RunAsync(system.ApiAddress, 1, Warmup));

        var off = await ChatLoad.RunAsync(system.ApiAddress, Clients, Measure);
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);
        await ChatLoad.RunAsync(system.ApiAddress, Clients, Warmup);
        var shadow = await ChatLoad.RunAsync(system.ApiAddress, Clients, Measure);

        Report("off", off);
        Report("shadow", shadow);
        Console.WriteLine($"shadow / off: p50 x{shadow.Percentile(0.5) / off.Percentile(0.5):0.00}, p95 x{shadow.Percentile(0.95) / off.Percentile(0.95):0.00}, " +
            $"throughput x{shadow.Throughput / off.Throughput:0.00}");

        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        await ComparatorThroughput.RunAsync(system);
        return 0;
    }

    private static void Report(string mode, ChatLoad.Result result) =>
        Console.WriteLine($"{mode,-7} {(mode == "single" ? 1 : Clients)} clients {result.Seconds:0} s: {result.Throughput:0.0} req/s, p50 {result.Percentile(0.5):0.0} ms, " +
            $"p95 {result.Percentile(0.95):0.0} ms, p99 {result.Percentile(0.99):0.0} ms, errors {result.Errors}");
}
