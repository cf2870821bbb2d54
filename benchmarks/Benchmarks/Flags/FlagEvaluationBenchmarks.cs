using BenchmarkDotNet.Attributes;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;

namespace Pipeline.Benchmarks.Flags;

/// <summary>Cost of one flag evaluation over an in-memory snapshot of the migration hierarchy (goal: ≤ 100 ns, 0 B).</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class FlagEvaluationBenchmarks
{
    private FlagSnapshot _snapshot = null!;
    private FlagContext _context;

    [GlobalSetup]
    public void Setup()
    {
        var empty = new HashSet<string>();
        _snapshot = new FlagSnapshot(MigrationFlags.Hierarchy.Select(f =>
            new FlagDefinition(f.Name, f.Name == MigrationFlags.WorkflowAnalysis ? FlagStatus.Shadow : FlagStatus.Enabled,
                f.Name == MigrationFlags.WorkflowAnalysis ? 10 : f.Percentage, empty, new HashSet<string> { "beta" }, f.Parent)));
        _context = new FlagContext("0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e", "staff");
    }

    /// <summary>A step flag two levels deep: walks two ancestors, hashes the key, compares the bucket.</summary>
    [Benchmark]
    public FlagMode NestedStepFlag() => FlagEvaluation.Evaluate(_snapshot, MigrationFlags.WorkflowAnalysis, _context).Mode;

    /// <summary>The routing flag every chat request evaluates.</summary>
    [Benchmark]
    public FlagMode RoutingFlag() => FlagEvaluation.Evaluate(_snapshot, MigrationFlags.WorkflowComplete, _context).Mode;

    [Benchmark]
    public double BucketOnly() => FlagBucket.Of(MigrationFlags.WorkflowComplete, _context.BucketingKey);
}
