using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Evals;
using Pipeline.Platform.Hosting;
using Pipeline.Persistence;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Evals;
using Pipeline.Persistence.Experiments;
using Pipeline.Persistence.Routing;

namespace Pipeline.Rollouts.Experiments;

/// <summary>
/// Collects the answers of running experiments from their requests' routing sagas once those finish (the legacy side
/// for the legacy variant, the shadow side for a workflow variant), scores each with the evaluator, and marks the
/// experiment finished when no answer is pending. Runs in the coordination host, beside the saga and the evaluator.
/// </summary>
internal sealed class ExperimentCollector(PipelineDbContext db, AnswerEvaluator evaluator, IOptions<ExperimentOptions> options, TimeProvider time) : IPeriodicJob
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var running = await db.Set<Experiment>().Where(e => e.FinishedAt == null).ToListAsync(cancellationToken);
        foreach (var experiment in running)
        {
            await CollectAsync(experiment, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
    }

    private async Task CollectAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        var pending = await db.Set<ExperimentAnswer>()
            .Where(a => a.ExperimentId == experiment.Id && a.Outcome == ExperimentOutcomes.Pending)
            .OrderBy(a => a.RequestId)
            .Take(options.Value.CollectBatch)
            .ToListAsync(cancellationToken);
        var requestIds = pending.Select(a => a.RequestId).Distinct().ToList();
        var finished = await db.Set<ChatRoutingState>().AsNoTracking()
            .Where(s => requestIds.Contains(s.CorrelationId) && s.FinishedAt != null)
            .Select(s => new { s.CorrelationId, s.ServedAnswer, s.ShadowAnswer, s.ShadowOutcome })
            .ToDictionaryAsync(s => s.CorrelationId, cancellationToken);
        var questions = JsonSerializer.Deserialize<List<GoldenQuestion>>(experiment.Questions, PipelineJson.Options)!.ToDictionary(q => q.Id);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var row in pending)
        {
            if (!finished.TryGetValue(row.RequestId, out var state))
                continue;
            var answerJson = row.Variant == ExperimentVariants.Legacy ? state.ServedAnswer
                : state.ShadowOutcome == ShadowOutcome.Completed ? state.ShadowAnswer : null;
            row.CollectedAt = now;
            if (answerJson is null || JsonSerializer.Deserialize<ChatAnswer>(answerJson, PipelineJson.Options) is not { } answer)
            {
                row.Outcome = ExperimentOutcomes.Failed;
                continue;
            }

            var (citationQuality, groundedness, relevance) = await evaluator.ScoreAsync(questions[row.QuestionId].Question, answer, cancellationToken);
            (row.Outcome, row.Answer, row.LatencyMs) = (ExperimentOutcomes.Completed, answerJson, answer.DurationMs);
            (row.CitationQuality, row.Groundedness, row.AnswerRelevance) = (citationQuality, groundedness, relevance);
            row.Score = Math.Round(EvalResult.Overall(citationQuality, groundedness, relevance), 4);
        }

        var collected = pending.Count(r => r.Outcome != ExperimentOutcomes.Pending);
        var stillPending = await db.Set<ExperimentAnswer>().CountAsync(a => a.ExperimentId == experiment.Id && a.Outcome == ExperimentOutcomes.Pending, cancellationToken);
        if (stillPending - collected == 0)
            experiment.FinishedAt = now;
    }
}
