using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Comparisons;
using Pipeline.Infrastructure.Flags;

namespace Pipeline.Benchmarks.Chat;

/// <summary>Pairs scored and persisted (row + ComparisonRecorded through the outbox) per second by one comparator process.</summary>
public static class ComparatorThroughput
{
    private const int Pairs = 5_000;
    private static readonly TimeSpan JitWarmup = TimeSpan.FromSeconds(60);

    private const string Answer = "{\"text\":\"Il GDPR disciplina il trattamento dei dati personali [1].\",\"citations\":[{\"index\":1,\"sourceId\":\"a\"}]," +
        "\"sources\":[{\"id\":\"a\",\"documentId\":\"d\",\"title\":\"t\",\"articleNumber\":null,\"score\":0.8,\"type\":\"document\",\"url\":null}]," +
        "\"cached\":false,\"durationMs\":10,\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"costUsd\":0}}";

    private const string Variant = "{\"text\":\"Il GDPR regola il trattamento dei dati personali [1].\",\"citations\":[{\"index\":1,\"sourceId\":\"a\"}]," +
        "\"sources\":[{\"id\":\"a\",\"documentId\":\"d\",\"title\":\"t\",\"articleNumber\":null,\"score\":0.79,\"type\":\"document\",\"url\":null}]," +
        "\"cached\":false,\"durationMs\":12,\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"costUsd\":0}}";

    /// <summary>
    /// The comparator alone, as a long-running service: first a minute of matching pairs (a freshly started process
    /// runs unoptimised JIT code for its first minute: measured, 300 pairs/s then against 1,000 in a process warmed by
    /// minutes of load; matching pairs leave no evaluation backlog behind), then a measured round of matching pairs and
    /// one of mismatching pairs, each of which is also sampled for evaluation.
    /// </summary>
    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < JitWarmup)
        {
            Console.Write("warm-up round (matching pairs): ");
            await RunAsync(system, Answer);
        }

        // Shadow traffic that may advance a rollout matches (the gate is 99 %); the all-mismatch round is the worst case.
        Console.Write("measured round, matching pairs: ");
        await RunAsync(system, Answer);
        Console.Write("measured round, every pair a mismatch: ");
        await RunAsync(system);
        return 0;
    }

    /// <summary>5,000 pairs whose new answer differs slightly (every one a mismatch, so each is also sampled for evaluation).</summary>
    public static Task RunAsync(BenchmarkSystem system) => RunAsync(system, Variant);

    private static async Task RunAsync(BenchmarkSystem system, string newAnswer)
    {
        var bus = system.Coordinator.Services.GetRequiredService<IBus>();
        var comparator = await bus.GetSendEndpoint(new Uri("exchange:chat-comparisons"));
        var pairs = Enumerable.Range(0, Pairs)
            .Select(_ => new CompareResults(NewId.NextGuid(), MigrationFlags.WorkflowComplete, "chat", Answer, newAnswer, "completed", 10, 12, false))
            .ToList();
        // The clock includes sending: the comparator starts consuming while the pairs are still arriving.
        var clock = Stopwatch.StartNew();
        foreach (var batch in pairs.Chunk(500))
            await Task.WhenAll(batch.Select(p => comparator.Send(p)));
        var sent = clock.Elapsed;

        await using var db = system.CreateDbContext();
        var ids = pairs.Select(p => p.RequestId).ToList();
        int recorded;
        while ((recorded = await db.Set<Comparison>().CountAsync(c => ids.Contains(c.RequestId))) < Pairs)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"only {recorded} of {Pairs} pairs recorded");
            await Task.Delay(100);
        }

        Console.WriteLine($"comparator: {Pairs} pairs sent (in {sent.TotalSeconds:0.0} s), scored and persisted in {clock.Elapsed.TotalSeconds:0.0} s = {Pairs / clock.Elapsed.TotalSeconds:0} pairs/s");
    }
}
