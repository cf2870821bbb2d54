using System.Diagnostics;
using Npgsql;
using Pipeline.Benchmarks.Chat;
using Pipeline.Benchmarks.Warmup;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;

namespace Pipeline.Benchmarks.Load;

/// <summary>
/// The load benchmark's public-API load held at one routing-flag status for a long time, so that profilers
/// (dotnet-trace, pidstat, pg_stat_statements) can be attached: prints the process id and database name first, and the
/// number of requests finished at the end, to turn database call counts into calls per request.
/// </summary>
public static class LoadProfileRun
{
    private const int Clients = 8;
    private static readonly TimeSpan IdleProbe = TimeSpan.FromSeconds(10);

    /// <summary><c>load-profile [disabled|shadow|enabled] [seconds]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var status = args.Length > 0 ? args[0] : FlagStatus.Disabled;
        var measure = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1]) : 60);

        await using var system = await BenchmarkSystem.StartAsync();
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, status);
        await JitSettledWarmup.RunAsync(slice => PublicApiLoad.RunAsync(system.ApiAddress, Clients, slice));
        var database = new NpgsqlConnectionStringBuilder(system.DatabaseConnectionString).Database;
        Console.WriteLine($"profile: pid {Environment.ProcessId}, database {database}, status {status}, measuring {measure.TotalSeconds:0} s from {DateTime.UtcNow:HH:mm:ss}");

        using var process = Process.GetCurrentProcess();
        // What the system costs with nobody calling (pollers, timers, spinning), which every request's CPU share includes.
        var idleCpu = process.TotalProcessorTime;
        await Task.Delay(IdleProbe);
        process.Refresh();
        Console.WriteLine($"profile: idle process CPU {(process.TotalProcessorTime - idleCpu).TotalMilliseconds / IdleProbe.TotalSeconds / 10:0.0} % of one core");
        var cpuBefore = process.TotalProcessorTime;
        var (allocatedBefore, pauseBefore, gen0Before, gen2Before) = (GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(2));
        var jitBefore = JitWork.SoFar();
        var machineBefore = CpuSplit.Take();
        var clock = Stopwatch.StartNew();
        var run = await PublicApiLoad.RunAsync(system.ApiAddress, Clients, measure);
        var jit = jitBefore.Since();
        var machine = CpuSplit.Take()?.Since(machineBefore!);
        process.Refresh();
        // CPU per request of this process (the whole system but the servers) is far less sensitive to a busy machine than req/s.
        var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine($"profile: {run.Completed} requests in {clock.Elapsed.TotalSeconds:0.0} s: {run.Throughput:0.0} req/s, " +
            $"process CPU {cpuMs / run.Completed:0.0} ms per request, allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / run.Completed:0} KiB per request, " +
            $"GC pauses {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds / run.Seconds:0} ms/s ({GC.CollectionCount(0) - gen0Before} gen0, {GC.CollectionCount(2) - gen2Before} gen2), " +
            $"p50 {run.Percentile(0.5):0.0} ms, p95 {run.Percentile(0.95):0.0} ms, p99 {run.Percentile(0.99):0.0} ms, errors {run.Errors}; " +
            $"JIT {jit.Methods} methods in {jit.Time.TotalMilliseconds:0} ms; done at {DateTime.UtcNow:HH:mm:ss}");
        if (machine is not null)
            Console.WriteLine($"profile: {machine.PerRequest(run.Completed)}");
        return 0;
    }
}
