using System.Diagnostics;
using Pipeline.Benchmarks.Chat;
using Pipeline.Flags;

namespace Pipeline.Benchmarks.Warmup;

/// <summary>
/// Runs a load in slices until the process has stopped compiling methods, so that a benchmark measures the system as a
/// long-running service runs, not its first minutes: under load on two cores, tiered compilation (tier 0, instrumented
/// tiers, tier 1 with dynamic PGO) of ASP.NET Core, EF Core, Npgsql and MassTransit keeps the JIT busy for more than a
/// minute (measured: ~10,000 methods and ~40 s of JIT time in the 60 s after a 5 s warm-up).
/// </summary>
public static class JitSettledWarmup
{
    /// <summary>One slice of load between two looks at the JIT's count.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromSeconds(10);

    /// <summary>Methods compiled in one slice at or below which the JIT counts as settled (a few per second remain: lambdas, rare paths).</summary>
    public const int SettledMethodsPerSlice = 50;

    /// <summary>The warm-up gives up waiting after this long and says so; the measurement then still includes some JIT.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs <paramref name="load"/> for one <see cref="Slice"/> at a time until <paramref name="settledSlices"/> slices in
    /// a row compile at most <see cref="SettledMethodsPerSlice"/> methods each, or <see cref="Limit"/> passes. A load
    /// that rotates through modes slice by slice asks for one settled slice per mode, so that no mode's code is left cold.
    /// </summary>
    public static async Task RunAsync(Func<TimeSpan, Task> load, int settledSlices = 1)
    {
        var clock = Stopwatch.StartNew();
        var perSlice = new List<long>();
        bool settled;
        do
        {
            var before = JitWork.SoFar();
            await load(Slice);
            var slice = before.Since();
            perSlice.Add(slice.Methods);
            settled = perSlice.Count >= settledSlices && perSlice[^settledSlices..].All(count => count <= SettledMethodsPerSlice);
            Console.WriteLine($"warm-up: {clock.Elapsed.TotalSeconds:0} s, {slice.Methods} methods compiled in the last {Slice.TotalSeconds:0} s " +
                $"({slice.Time.TotalSeconds:0.0} s of JIT time)");
        }
        while (!settled && clock.Elapsed < Limit);

        if (!settled)
            Console.WriteLine($"warm-up: the JIT had not settled after {Limit.TotalMinutes:0} min; the measurement includes some compilation");
    }

    /// <summary>
    /// Warms every routing mode a benchmark measures: the <c>workflow-complete</c> flag takes each of
    /// <paramref name="statuses"/> in turn, one slice of <paramref name="load"/> each, until each mode's slice has
    /// settled; the flag is left at the first status.
    /// </summary>
    public static async Task RunAcrossModesAsync(BenchmarkSystem system, IReadOnlyList<string> statuses, Func<TimeSpan, Task> load)
    {
        var slice = 0;
        await RunAsync(async duration =>
        {
            await system.SetFlagAsync(MigrationFlags.WorkflowComplete, statuses[slice++ % statuses.Count]);
            await load(duration);
        }, settledSlices: statuses.Count);
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, statuses[0]);
    }
}
