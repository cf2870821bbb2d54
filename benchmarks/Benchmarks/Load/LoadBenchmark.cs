using MassTransit;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Benchmarks.Chat;
using Pipeline.Benchmarks.Load.HopChain;
using Pipeline.Benchmarks.Warmup;
using Pipeline.Platform.Bus;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;

namespace Pipeline.Benchmarks.Load;

/// <summary>
/// The load benchmark of the fault-and-load issue: the raw bus round trip and the hop chains as the baselines, alone,
/// then the public API (JSON and SignalR clients) with the routing flag off, in shadow and on, same load, one run;
/// afterwards the database is asked whether every accepted request finished and every shadow request has exactly one
/// comparison.
/// </summary>
public static class LoadBenchmark
{
    private const int Clients = 8;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(20);
    // Longer than the pipeline's phases: a durable chain held alone still spends a fifth of its process's CPU in the JIT
    // 20-28 s after its start, and is settled by 45 s; a baseline measured sooner costs more per request and flatters
    // the pipeline's ratio to it. HOPS_WARMUP_SECONDS sets it (`hops-peer` passes the peer's).
    private static readonly TimeSpan HopChainWarmup = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("HOPS_WARMUP_SECONDS"), out var seconds) && seconds > 0 ? seconds : 45);
    private static readonly string[] Statuses = [FlagStatus.Disabled, FlagStatus.Shadow, FlagStatus.Enabled];

    public static async Task<int> RunAsync()
    {
        // The baselines first, each alone on servers nothing else uses, as `hops` runs them: beside the pipeline they
        // would share the servers with its background work (sweeps, alerts, rollout checks).
        var raw = await RunBaselinesAloneAsync();
        await using var system = await BenchmarkSystem.StartAsync();
        await JitSettledWarmup.RunAcrossModesAsync(system, Statuses, slice => PublicApiLoad.RunAsync(system.ApiAddress, Clients, slice));

        var lost = 0;
        foreach (var status in Statuses)
        {
            await system.SetFlagAsync(MigrationFlags.WorkflowComplete, status);
            await PublicApiLoad.RunAsync(system.ApiAddress, Clients, Warmup);
            var since = DateTime.UtcNow;
            var machine = CpuSplit.Take();
            var run = await PublicApiLoad.RunAsync(system.ApiAddress, Clients, Measure);
            var machineUsed = CpuSplit.Take()?.Since(machine!);
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
            ReportCpu(machineUsed, run.Completed);
        }

        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        return lost == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>hops</c>: the baselines alone, for quick comparisons of the bus and outbox layers and with the peer
    /// (<c>scripts/benchmark.sh hops-peer</c>); <c>hops durable N</c> (<c>hops none N</c>) holds the durable (no-database)
    /// flag-off chain alone for N seconds, for profilers and A/B runs of two builds (prints the process id and database first). Only the chain runs: a migrated database and a virtual
    /// host of its own, no pipeline host beside it, so no background work shares the servers while it is measured.
    /// </summary>
    public static async Task<int> RunBaselinesOnlyAsync(string[] args)
    {
        if (args is [("durable" or "none") and var level, var seconds])
        {
            await HoldChainAsync(level == "durable" ? HopDurability.CallerAndConsumers : HopDurability.None, TimeSpan.FromSeconds(int.Parse(seconds)));
            return 0;
        }

        await RunBaselinesAloneAsync();
        return 0;
    }

    private static async Task HoldChainAsync(HopDurability durability, TimeSpan duration)
    {
        var infrastructure = new IsolatedInfrastructure();
        await infrastructure.InitializeAsync();
        try
        {
            var database = new NpgsqlConnectionStringBuilder(infrastructure.DatabaseConnectionString).Database;
            var level = durability == HopDurability.None ? "none" : "durable";
            Console.WriteLine($"hops: pid {Environment.ProcessId}, database {database}, {level} chain for {duration.TotalSeconds:0} s after {HopChainWarmup.TotalSeconds:0} s of warm-up");
            var (cpu, machine) = (TimeSpan.Zero, (CpuSplit?)null);
            var held = await HopChainBaseline.RunAsync(infrastructure.Settings, HopShape.Off, durability, Clients, HopChainWarmup, duration,
                (used, split) => (cpu, machine) = (used, split));
            Report(durability == HopDurability.None ? "hops" : "durable hops", held, "requests/s", raw: null);
            // Where /proc tells no split, the process's own CPU is all there is to print.
            if (machine is null)
                Console.WriteLine($"process CPU {cpu.TotalMilliseconds / Math.Max(1, held.Completed):0.00} ms per request");
            ReportCpu(machine, held.Completed);
        }
        finally
        {
            await infrastructure.DisposeAsync();
        }
    }

    /// <summary>The baselines on a migrated database and a virtual host of their own, with no pipeline host beside them; returns the raw bus.</summary>
    private static async Task<LoadResult> RunBaselinesAloneAsync()
    {
        var infrastructure = new IsolatedInfrastructure();
        await infrastructure.InitializeAsync();
        try
        {
            var settings = infrastructure.Settings;
            var busHost = await TestHosts.StartBusWorkerAsync(settings, builder => builder.Services.AddPipelineBus(builder.Configuration, _ => { }));
            try
            {
                return await RunBaselinesAsync(busHost.Services.GetRequiredService<IBus>(), settings);
            }
            finally
            {
                await TestHosts.StopQuietlyAsync(busHost);
                busHost.Dispose();
            }
        }
        finally
        {
            await infrastructure.DisposeAsync();
        }
    }

    /// <summary>
    /// The raw bus round trip (the goal's baseline), then a flag-off and a shadow request's messages between trivial
    /// consumers, without the transactional outbox and inbox, with it for the consumers, and for the caller too;
    /// returns the raw bus.
    /// </summary>
    private static async Task<LoadResult> RunBaselinesAsync(IBus bus, IReadOnlyDictionary<string, string?> settings)
    {
        var raw = await RawBusRoundTrip.RunAsync(bus, Clients, Warmup, Measure);
        Report("raw bus", raw, "round trips/s", raw: null);
        foreach (var shape in new[] { HopShape.Off, HopShape.Shadow })
        {
            foreach (var (name, durability) in HopChains)
            {
                var label = $"{(shape == HopShape.Shadow ? "shadow " : "")}{name}";
                CpuSplit? machine = null;
                var run = await HopChainBaseline.RunAsync(settings, shape, durability, Clients, HopChainWarmup, Measure, (_, split) => machine = split);
                Report(label, run, "requests/s", raw);
                ReportCpu(machine, run.Completed);
            }
        }

        return raw;
    }

    private static readonly (string Name, HopDurability Durability)[] HopChains =
    [
        ("hops", HopDurability.None),
        ("durable consumers", HopDurability.Consumers),
        ("durable hops", HopDurability.CallerAndConsumers),
    ];

    /// <summary>The measured part's CPU per request by process and the machine's busy share, under the line it belongs to.</summary>
    private static void ReportCpu(CpuSplit? used, int requests)
    {
        if (used is not null)
            Console.WriteLine($"{"",-24} {used.PerRequest(requests)}");
    }

    /// <summary>One baseline's line; against <paramref name="raw"/> when given, the ratio of their medians.</summary>
    private static void Report(string name, LoadResult run, string unit, LoadResult? raw) =>
        Console.WriteLine($"{name,-24} {Clients} clients: {run.Throughput,7:0.0} {unit}, p50 {run.Percentile(0.5):0.00} ms, " +
            $"p95 {run.Percentile(0.95):0.00} ms, p99 {run.Percentile(0.99):0.00} ms, errors {run.Errors}" +
            (raw is null ? "" : $"; p50 x{run.Percentile(0.5) / raw.Percentile(0.5):0.0} the raw bus"));
}
