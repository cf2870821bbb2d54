using BenchmarkDotNet.Running;
using Pipeline.Benchmarks.Chat;
using Pipeline.Benchmarks.Flags;
using Pipeline.Benchmarks.Load;
using Pipeline.Benchmarks.Quality;
using Pipeline.Benchmarks.Retrieval;
using Pipeline.Benchmarks.Telemetry;

// Each mode is one measurement; see docs/benchmarks.md for the method and the last results.
return args.FirstOrDefault() switch
{
    "flags" => Run(() => BenchmarkRunner.Run<FlagEvaluationBenchmarks>(args: args[1..])),
    "kill-switch" => await KillSwitchPropagation.RunAsync(),
    "shadow" => await ShadowOverhead.RunAsync(),
    "comparator" => await ComparatorThroughput.RunAsync(),
    "telemetry" => await TelemetryOverhead.RunAsync(),
    "telemetry-census" => await TelemetryOverhead.CensusAsync(),
    "telemetry-flag" => await TelemetryOverhead.FlagAlternationsAsync(),
    "load" => await LoadBenchmark.RunAsync(),
    "hops" => await LoadBenchmark.RunBaselinesOnlyAsync(args[1..]),
    "timeline" => await LatencyTimeline.RunAsync(),
    "first-token" => await FirstTokenLatency.RunAsync(),
    "embedding" => args.ElementAtOrDefault(1) == "encoder" ? await EmbeddingLatency.EncoderAbAsync() : await EmbeddingLatency.RunAsync(),
    "load-profile" => await LoadProfileRun.RunAsync(args[1..]),
    "retrieval" => await HnswVersusExact.RunAsync(),
    "chat50" => await ConcurrentChat.RunAsync(),
    "quality" => await QualityBenchmark.RunAsync(args[1..]),
    "quality-retrieval" => await RetrievalQuality.RunAsync(args[1..]),
    _ => Usage(),
};

static int Run(Action benchmark)
{
    benchmark();
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Benchmarks flags | kill-switch | shadow | comparator | telemetry | telemetry-flag | telemetry-census | load | hops [durable seconds] | timeline | first-token | embedding [encoder] | load-profile [status] [seconds] | retrieval | chat50 | quality [dataset.jsonl] [--only name] [--details file] | quality-retrieval [dataset.jsonl] [--rounds n] [--one-by-one] [--details file]");
    return 2;
}
