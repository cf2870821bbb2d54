using System.Diagnostics;
using System.Linq.Expressions;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Evaluation.Evals;
using Pipeline.Flags;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Evals;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Benchmarks.Chat;

/// <summary>Pairs scored and persisted (row + ComparisonRecorded through the outbox) per second by one comparator process.</summary>
public static class ComparatorThroughput
{
    private const int Pairs = 5_000;
    private const int MeasuredRounds = 3;
    private const int NoPair = 0;
    private const int EveryPair = 1;

    /// <summary>A shadow phase that may advance a rollout mismatches in well under 5 % of pairs (its gate is 99 % matches).</summary>
    private const int RealisticMismatchEvery = 20;
    private static readonly TimeSpan JitWarmup = TimeSpan.FromSeconds(60);
    private const int SendBatch = 500;
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private const string Answer = "{\"text\":\"Il GDPR disciplina il trattamento dei dati personali [1].\",\"citations\":[{\"index\":1,\"sourceId\":\"a\"}]," +
        "\"sources\":[{\"id\":\"a\",\"documentId\":\"d\",\"title\":\"t\",\"articleNumber\":null,\"score\":0.8,\"type\":\"document\",\"url\":null}]," +
        "\"cached\":false,\"durationMs\":10,\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"costUsd\":0}}";

    private const string Variant = "{\"text\":\"Il GDPR regola il trattamento dei dati personali [1].\",\"citations\":[{\"index\":1,\"sourceId\":\"a\"}]," +
        "\"sources\":[{\"id\":\"a\",\"documentId\":\"d\",\"title\":\"t\",\"articleNumber\":null,\"score\":0.79,\"type\":\"document\",\"url\":null}]," +
        "\"cached\":false,\"durationMs\":12,\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"costUsd\":0}}";

    /// <summary>
    /// The comparator alone, as a long-running service: first a minute of warm-up rounds, matching and mismatching pairs
    /// in turn (a freshly started process runs unoptimised JIT code for its first minute: measured, 300 pairs/s then
    /// against 1,000 in a process warmed by minutes of load; the mismatching rounds warm the evaluations too, and each
    /// waits for its evaluations so none is left queued), then three measured rounds each of matching pairs, of pairs
    /// one in twenty of which mismatches and of mismatching pairs only (each mismatch is also sampled for evaluation),
    /// and of the evaluations alone, in turn.
    /// </summary>
    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        var warmup = Stopwatch.StartNew();
        for (var round = 0; warmup.Elapsed < JitWarmup; round++)
        {
            var mismatching = round % 2 == 1;
            Console.Write(mismatching ? "warm-up round (mismatching pairs): " : "warm-up round (matching pairs): ");
            var start = await RunAsync(system, mismatching ? EveryPair : NoPair);
            if (mismatching)
                await WaitForEvaluationsAsync(system, start, Pairs);
        }

        // Shadow traffic that may advance a rollout matches (the gate is 99 %); one in twenty is a pessimistic version of
        // it, and the all-mismatch round (every pair also evaluated, in this process) the worst case.
        for (var round = 1; round <= MeasuredRounds; round++)
        {
            Console.Write($"measured round {round}, matching pairs: ");
            await RunAsync(system, NoPair);
            Console.Write($"measured round {round}, one pair in {RealisticMismatchEvery} a mismatch: ");
            await WaitForEvaluationsAsync(system, await RunAsync(system, RealisticMismatchEvery), Pairs / RealisticMismatchEvery);
            Console.Write($"measured round {round}, every pair a mismatch: ");
            await WaitForEvaluationsAsync(system, await RunAsync(system, EveryPair), Pairs);
            Console.Write($"measured round {round}, evaluations alone: ");
            await RunEvaluationsAsync(system);
        }
        return 0;
    }

    /// <summary>Sends a round of pairs, every <paramref name="mismatchEvery"/>-th of them a mismatch (0: none), and times it until all are recorded.</summary>
    private static async Task<DateTime> RunAsync(BenchmarkSystem system, int mismatchEvery)
    {
        var pairs = Enumerable.Range(0, Pairs)
            .Select(i => new CompareResults(NewId.NextGuid(), MigrationFlags.WorkflowComplete, ComparisonKind.Chat, Answer,
                mismatchEvery > 0 && i % mismatchEvery == 0 ? Variant : Answer, ComparedOutcome.Completed, 10, 12, false))
            .ToList();
        // The clock includes sending: the comparator starts consuming while the pairs are still arriving.
        var start = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        await SendAllAsync(system, new RoutingOptions().ComparatorEndpoint, pairs);
        var sent = clock.Elapsed;

        await WaitForRowsAsync<Comparison>(system, c => c.CreatedAt >= start, Pairs, "pairs recorded");

        Console.WriteLine($"comparator: {Pairs} pairs sent (in {sent.TotalSeconds:0.0} s), scored and persisted in {clock.Elapsed.TotalSeconds:0.0} s = {Pairs / clock.Elapsed.TotalSeconds:0} pairs/s");
        return start;
    }

    /// <summary>
    /// What the mismatching round's evaluations cost on their own: 5,000 samples of the same answer sent straight to
    /// the eval queue, timed until all are scored and stored.
    /// </summary>
    private static async Task RunEvaluationsAsync(BenchmarkSystem system)
    {
        var answer = JsonSerializer.Deserialize<ChatAnswer>(Variant, PipelineJson.Options)!;
        var samples = Enumerable.Range(0, Pairs)
            .Select(_ => new ResultSampled(NewId.NextGuid(), "Che cosa disciplina il GDPR?", ChatPipeline.Workflow, answer, EvalReasons.ShadowMismatch))
            .ToList();
        var start = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        await SendAllAsync(system, new EvalOptions().Endpoint, samples);
        await WaitForRowsAsync<EvalResult>(system, e => e.CreatedAt >= start, Pairs, "samples evaluated");

        Console.WriteLine($"{Pairs} samples scored and stored in {clock.Elapsed.TotalSeconds:0.0} s = {Pairs / clock.Elapsed.TotalSeconds:0} samples/s");
    }

    /// <summary>Sends a round's messages to a queue, <see cref="SendBatch"/> in flight at a time.</summary>
    private static async Task SendAllAsync<T>(BenchmarkSystem system, string queue, IReadOnlyList<T> messages)
        where T : class
    {
        var endpoint = await system.Coordinator.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{queue}"));
        foreach (var batch in messages.Chunk(SendBatch))
            await Task.WhenAll(batch.Select(m => endpoint.Send(m)));
    }

    /// <summary>Waits until the round started at <paramref name="start"/> has its <paramref name="expected"/> evaluations, so the next round starts with no backlog.</summary>
    private static async Task WaitForEvaluationsAsync(BenchmarkSystem system, DateTime start, int expected)
    {
        var clock = Stopwatch.StartNew();
        await WaitForRowsAsync<EvalResult>(system, e => e.CreatedAt >= start, expected, "mismatches evaluated");
        Console.WriteLine($"  their {expected} evaluations done {clock.Elapsed.TotalSeconds:0.0} s later");
    }

    /// <summary>
    /// Polls until <paramref name="expected"/> rows match, counted by creation time on its index: the previous round is
    /// complete, so every newer row is this round's. (Counting by the 5,000 request ids cost the database 17 ms a query,
    /// ten times a second, in competition with what is measured.)
    /// </summary>
    private static async Task WaitForRowsAsync<TRow>(BenchmarkSystem system, Expression<Func<TRow, bool>> ofThisRound, int expected, string what)
        where TRow : class
    {
        await using var db = system.CreateDbContext();
        var clock = Stopwatch.StartNew();
        int counted;
        while ((counted = await db.Set<TRow>().CountAsync(ofThisRound)) < expected)
        {
            if (clock.Elapsed > RoundTimeout)
                throw new TimeoutException($"only {counted} of {expected} {what} after {RoundTimeout}");
            await Task.Delay(PollInterval);
        }
    }
}
