using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Benchmarks.Chat;
using Pipeline.Benchmarks.Warmup;
using Pipeline.Infrastructure.Flags;

namespace Pipeline.Benchmarks.Load;

/// <summary>
/// The load benchmark of the fault-and-load issue: the raw bus round trip as the baseline, then the public API (JSON
/// and SignalR clients) with the routing flag off, in shadow and on, same load, one run; afterwards the database is
/// asked whether every accepted request finished and every shadow request has exactly one comparison.
/// </summary>
public static class LoadBenchmark
{
    private const int Clients = 8;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(20);
    private static readonly string[] Statuses = [FlagStatus.Disabled, FlagStatus.Shadow, FlagStatus.Enabled];

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        await JitSettledWarmup.RunAcrossModesAsync(system, Statuses, slice => PublicApiLoad.RunAsync(system.ApiAddress, Clients, slice));

        var bus = system.Api.Services.GetRequiredService<IBus>();
        var raw = await RawBusRoundTrip.RunAsync(bus, Clients, Warmup, Measure);
        Console.WriteLine($"{"raw bus",-8} {Clients} clients: {raw.Throughput,7:0.0} round trips/s, p50 {raw.Percentile(0.5):0.00} ms, " +
            $"p95 {raw.Percentile(0.95):0.00} ms, p99 {raw.Percentile(0.99):0.00} ms, errors {raw.Errors}");

        var lost = 0;
        foreach (var status in Statuses)
        {
            await system.SetFlagAsync(MigrationFlags.WorkflowComplete, status);
            await PublicApiLoad.RunAsync(system.ApiAddress, Clients, Warmup);
            var since = DateTime.UtcNow;
            var run = await PublicApiLoad.RunAsync(system.ApiAddress, Clients, Measure);
            var facts = await LoadInvariants.CheckAsync(system, since);
            lost += facts.Lost;

            var overhead = run.Samples.Where(s => s.Succeeded && facts.PipelineWorkMs.ContainsKey(s.RequestId))
                .Select(s => s.LatencyMs - facts.PipelineWorkMs[s.RequestId]).ToList();
            Console.WriteLine($"{status,-8} {Clients} clients: {run.Throughput,7:0.0} req/s, p50 {run.Percentile(0.5):0.0} ms, " +
                $"p95 {run.Percentile(0.95):0.0} ms, p99 {run.Percentile(0.99):0.0} ms, errors {run.Errors} " +
                $"(json {run.Samples.Count(s => s.Client == "json")}, signalr {run.Samples.Count(s => s.Client == "signalr")}); " +
                $"p50 x{run.Percentile(0.5) / raw.Percentile(0.5):0.0} the raw bus; routing overhead p50 {LoadResult.PercentileOf(overhead, 0.5):0.0} ms, " +
                $"p99 {LoadResult.PercentileOf(overhead, 0.99):0.0} ms; accepted {facts.Accepted}, finished {facts.Finished}, lost {facts.Lost}" +
                (status == FlagStatus.Shadow ? $"; shadow requests {facts.ShadowServed}, with exactly one comparison {facts.ShadowWithOneComparison}" : ""));
        }

        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        return lost == 0 ? 0 : 1;
    }
}
