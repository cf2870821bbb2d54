using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Routing;
using Pipeline.Persistence.Evals;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>
/// Scores pairs with the comparer for their kind and stores each comparison together with its
/// <see cref="ComparisonRecorded"/> in one transaction (the outbox); a pair already recorded is not recorded twice.
/// </summary>
public sealed class ComparisonRecorder(
    PipelineDbContext db,
    IPublishEndpoint publish,
    IEnumerable<IResultComparer> comparers,
    TimeProvider time)
{
    /// <summary>Records the pair; returns false when it was already recorded.</summary>
    public async Task<bool> RecordAsync(CompareResults pair, CancellationToken cancellationToken) =>
        await RecordAsync([pair], cancellationToken) == 1;

    /// <summary>
    /// Records a batch of pairs in one unit of work; pairs already recorded (or repeated within the batch) are
    /// skipped. Returns how many were recorded.
    /// </summary>
    public async Task<int> RecordAsync(IReadOnlyList<CompareResults> pairs, CancellationToken cancellationToken)
    {
        var requestIds = pairs.Select(p => p.RequestId).Distinct().ToList();
        var recorded = (await db.Set<Comparison>().AsNoTracking()
                .Where(c => requestIds.Contains(c.RequestId))
                .Select(c => new { c.RequestId, c.FlagName, c.Kind, c.NoiseSample })
                .ToListAsync(cancellationToken))
            .Select(c => (c.RequestId, c.FlagName, c.Kind, c.NoiseSample))
            .ToHashSet();

        var added = 0;
        var mismatches = new List<(CompareResults Pair, ChatAnswer Answer)>();
        foreach (var pair in pairs)
        {
            if (!recorded.Add((pair.RequestId, pair.FlagName, ComparisonNames.Of(pair.Kind), pair.NoiseSample)))
                continue;
            if (await AddAsync(pair, cancellationToken) is { } mismatch)
                mismatches.Add((pair, mismatch));
            added++;
        }

        await SampleMismatchesAsync(mismatches, cancellationToken);

        // A concurrent delivery of the same pair hits the unique index here; the retry then finds the row and skips it.
        if (added > 0)
            await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    /// <summary>Adds the comparison; returns the new answer when it is a whole-answer mismatch worth evaluating.</summary>
    private async Task<ChatAnswer?> AddAsync(CompareResults pair, CancellationToken cancellationToken)
    {
        var comparer = comparers.FirstOrDefault(c => c.Kind == pair.Kind)
            ?? throw new InvalidOperationException($"No comparer is registered for result kind '{pair.Kind}'.");
        var score = pair is { NewOutcome: ComparedOutcome.Completed, NewResult: { } newResult }
            ? await comparer.CompareAsync(pair.OldResult, newResult, cancellationToken)
            : Unanswered(pair.NewOutcome);

        var comparison = new Comparison
        {
            Id = NewId.NextGuid(),
            RequestId = pair.RequestId,
            FlagName = pair.FlagName,
            Kind = ComparisonNames.Of(pair.Kind),
            NoiseSample = pair.NoiseSample,
            Match = score.Match,
            TextSimilarity = score.TextSimilarity,
            CitationsMatch = score.CitationsMatch,
            SourcesMatch = score.SourcesMatch,
            SourceIdOverlap = score.SourceIdOverlap,
            MaxScoreDelta = score.MaxScoreDelta,
            Diff = score.Diff.ToJsonString(),
            NewOutcome = ComparisonNames.Of(pair.NewOutcome),
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

        return pair is { Kind: ComparisonKind.Chat, NoiseSample: false, NewOutcome: ComparedOutcome.Completed, NewResult: { } answered } && !score.Match
            ? JsonSerializer.Deserialize<ChatAnswer>(answered, PipelineJson.Options)
            : null;
    }

    /// <summary>
    /// Every whole-answer mismatch sends the new (workflow) answer to evaluation, in the comparison's transaction, with
    /// the question looked up from the request's saga (or, if that is gone, the request archive).
    /// </summary>
    private async Task SampleMismatchesAsync(List<(CompareResults Pair, ChatAnswer Answer)> mismatches, CancellationToken cancellationToken)
    {
        if (mismatches.Count == 0)
            return;
        var ids = mismatches.Select(m => m.Pair.RequestId).Distinct().ToList();
        var questions = await db.Set<ChatRoutingState>().AsNoTracking().Where(s => ids.Contains(s.CorrelationId))
            .ToDictionaryAsync(s => s.CorrelationId, s => s.Message, cancellationToken);
        var missing = ids.Where(id => !questions.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var archived in await db.Set<ArchivedChatRequest>().AsNoTracking().Where(r => missing.Contains(r.RequestId))
                         .Select(r => new { r.RequestId, r.Message }).ToListAsync(cancellationToken))
                questions[archived.RequestId] = archived.Message;
        }

        foreach (var (pair, answer) in mismatches)
        {
            await publish.Publish(new ResultSampled(pair.RequestId, questions.GetValueOrDefault(pair.RequestId, ""), ChatPipeline.Workflow,
                answer, EvalReasons.ShadowMismatch, pair.ReplayId), cancellationToken);
        }
    }

    private static ComparisonScore Unanswered(ComparedOutcome outcome) =>
        new(false, 0, false, false, 0, 0, new System.Text.Json.Nodes.JsonObject { ["newOutcome"] = ComparisonNames.Of(outcome) });
}
