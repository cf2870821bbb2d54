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

    /// <summary>
    /// The comparator alone, on a system at rest: one round to warm it up (a freshly started process runs unoptimised
    /// JIT code for its first minute), then the measured round.
    /// </summary>
    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        Console.Write("warm-up round: ");
        await RunAsync(system);
        Console.Write("measured round: ");
        await RunAsync(system);
        return 0;
    }

    public static async Task RunAsync(BenchmarkSystem system)
    {
        const string answer = "{\"text\":\"Il GDPR disciplina il trattamento dei dati personali [1].\",\"citations\":[{\"index\":1,\"sourceId\":\"a\"}]," +
            "\"sources\":[{\"id\":\"a\",\"documentId\":\"d\",\"title\":\"t\",\"articleNumber\":null,\"score\":0.8,\"type\":\"document\",\"url\":null}]," +
            "\"cached\":false,\"durationMs\":10,\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"costUsd\":0}}";
        const string variant = "{\"text\":\"Il GDPR regola il trattamento dei dati personali [1].\",\"citations\":[{\"index\":1,\"sourceId\":\"a\"}]," +
            "\"sources\":[{\"id\":\"a\",\"documentId\":\"d\",\"title\":\"t\",\"articleNumber\":null,\"score\":0.79,\"type\":\"document\",\"url\":null}]," +
            "\"cached\":false,\"durationMs\":12,\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"costUsd\":0}}";
        var bus = system.Coordinator.Services.GetRequiredService<IBus>();
        var comparator = await bus.GetSendEndpoint(new Uri("exchange:chat-comparisons"));
        var pairs = Enumerable.Range(0, Pairs)
            .Select(_ => new CompareResults(NewId.NextGuid(), MigrationFlags.WorkflowComplete, "chat", answer, variant, "completed", 10, 12, false))
            .ToList();
        // The clock includes sending: the comparator starts consuming while the pairs are still arriving.
        var clock = Stopwatch.StartNew();
        foreach (var batch in pairs.Chunk(500))
            await Task.WhenAll(batch.Select(p => comparator.Send(p)));

        await using var db = system.CreateDbContext();
        var ids = pairs.Select(p => p.RequestId).ToList();
        int recorded;
        while ((recorded = await db.Set<Comparison>().CountAsync(c => ids.Contains(c.RequestId))) < Pairs)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"only {recorded} of {Pairs} pairs recorded");
            await Task.Delay(100);
        }

        Console.WriteLine($"comparator: {Pairs} pairs sent, scored and persisted in {clock.Elapsed.TotalSeconds:0.0} s = {Pairs / clock.Elapsed.TotalSeconds:0} pairs/s");
    }
}
