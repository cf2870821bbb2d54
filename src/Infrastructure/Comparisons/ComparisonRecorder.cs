using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Infrastructure.Comparisons;

/// <summary>
/// Scores a pair with the comparer for its kind and stores the comparison together with
/// <see cref="ComparisonRecorded"/> in one transaction (the outbox); a pair already recorded is not recorded twice.
/// </summary>
public sealed class ComparisonRecorder(
    PipelineDbContext db,
    IPublishEndpoint publish,
    IEnumerable<IResultComparer> comparers,
    TimeProvider time)
{
    public const string Completed = "completed";

    /// <summary>Records the pair; returns false when it was already recorded.</summary>
    public async Task<bool> RecordAsync(CompareResults pair, CancellationToken cancellationToken)
    {
        var exists = await db.Set<Comparison>().AnyAsync(c =>
            c.RequestId == pair.RequestId && c.FlagName == pair.FlagName && c.Kind == pair.Kind && c.NoiseSample == pair.NoiseSample,
            cancellationToken);
        if (exists)
            return false;

        var comparer = comparers.FirstOrDefault(c => c.Kind == pair.Kind)
            ?? throw new InvalidOperationException($"No comparer is registered for result kind '{pair.Kind}'.");
        var score = pair is { NewOutcome: Completed, NewResult: { } newResult }
            ? await comparer.CompareAsync(pair.OldResult, newResult, cancellationToken)
            : Unanswered(pair.NewOutcome);

        var comparison = new Comparison
        {
            Id = NewId.NextGuid(),
            RequestId = pair.RequestId,
            FlagName = pair.FlagName,
            Kind = pair.Kind,
            NoiseSample = pair.NoiseSample,
            Match = score.Match,
            TextSimilarity = score.TextSimilarity,
            CitationsMatch = score.CitationsMatch,
            SourcesMatch = score.SourcesMatch,
            SourceIdOverlap = score.SourceIdOverlap,
            MaxScoreDelta = score.MaxScoreDelta,
            Diff = score.Diff.ToJsonString(),
            NewOutcome = pair.NewOutcome,
            OldDurationMs = pair.OldDurationMs,
            NewDurationMs = pair.NewDurationMs,
            OldResult = pair.OldResult,
            NewResult = pair.NewResult,
            ReplayId = pair.ReplayId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Add(comparison);
        await publish.Publish(new ComparisonRecorded(comparison.Id, pair.RequestId, pair.FlagName, pair.Kind, score.Match,
            score.TextSimilarity, score.CitationsMatch, score.SourcesMatch, pair.ReplayId), cancellationToken);
        // A concurrent delivery of the same pair hits the unique index here; the retry then finds the row and stops.
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static ComparisonScore Unanswered(string outcome) =>
        new(false, 0, false, false, 0, 0, new System.Text.Json.Nodes.JsonObject { ["newOutcome"] = outcome });
}
