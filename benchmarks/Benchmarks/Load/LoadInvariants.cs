using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Benchmarks.Chat;
using Pipeline.Contracts;
using Pipeline.Persistence.Requests;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Routing;

namespace Pipeline.Benchmarks.Load;

/// <summary>What the database says about a run afterwards: accepted vs finished requests, comparisons per shadow request, pipeline work per request.</summary>
public sealed record LoadInvariants(int Accepted, int Finished, int ShadowServed, int ShadowWithOneComparison, IReadOnlyDictionary<Guid, long> PipelineWorkMs)
{
    private static readonly string ChatKind = ComparisonNames.Of(ComparisonKind.Chat);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    public int Lost => Accepted - Finished;

    /// <summary>Waits (bounded) for the run's requests to finish and be compared, then reads the figures.</summary>
    public static async Task<LoadInvariants> CheckAsync(BenchmarkSystem system, DateTime since)
    {
        await using var db = system.CreateDbContext();
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var accepted = await db.Set<ArchivedChatRequest>().Where(a => a.RequestedAt >= since).Select(a => a.RequestId).ToListAsync();
            var states = await db.Set<ChatRoutingState>().AsNoTracking()
                .Where(s => accepted.Contains(s.CorrelationId) && s.FinishedAt != null)
                .Select(s => new { s.CorrelationId, s.Mode, s.ServedAnswer })
                .ToListAsync();
            var shadow = states.Where(s => s.Mode == RoutingMode.Shadow && s.ServedAnswer != null).Select(s => s.CorrelationId).ToList();
            var comparisons = await db.Set<Comparison>().Where(c => !c.NoiseSample && c.Kind == ChatKind && shadow.Contains(c.RequestId))
                .GroupBy(c => c.RequestId).Select(g => g.Count()).ToListAsync();
            var settled = states.Count == accepted.Count && comparisons.Count == shadow.Count;
            if (settled || DateTime.UtcNow > deadline)
            {
                var work = states.Where(s => s.ServedAnswer != null)
                    .ToDictionary(s => s.CorrelationId, s => JsonSerializer.Deserialize<ChatAnswer>(s.ServedAnswer!, PipelineJson.Options)!.DurationMs);
                return new LoadInvariants(accepted.Count, states.Count, shadow.Count, comparisons.Count(n => n == 1), work);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
