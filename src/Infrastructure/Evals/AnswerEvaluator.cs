using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.KnowledgeBase;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Infrastructure.Evals;

/// <summary>
/// Scores a sampled answer (citation quality, groundedness against the retrieved chunks, relevance), flags it for
/// review when a score is below its threshold, and stores it together with its <see cref="EvalScored"/> in one
/// transaction (the outbox). A sample already scored is not scored again.
/// </summary>
public sealed partial class AnswerEvaluator(
    PipelineDbContext db,
    IPublishEndpoint publish,
    CitationQualityScorer citations,
    GroundednessScorer groundedness,
    AnswerRelevanceScorer relevance,
    IOptions<EvalOptions> options,
    TimeProvider time,
    ILogger<AnswerEvaluator> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Scores and stores the sample; returns false when it was already scored.</summary>
    public async Task<bool> EvaluateAsync(ResultSampled sample, CancellationToken cancellationToken)
    {
        var pipeline = PipelineName(sample.Pipeline);
        if (await db.Set<EvalResult>().AnyAsync(
                e => e.RequestId == sample.RequestId && e.Pipeline == pipeline && e.Reason == sample.Reason, cancellationToken))
            return false;

        var answer = sample.Answer;
        var texts = await SourceTextsAsync(answer, cancellationToken);
        var thresholds = options.Value;
        var eval = new EvalResult
        {
            Id = NewId.NextGuid(),
            RequestId = sample.RequestId,
            Question = sample.Question,
            Pipeline = pipeline,
            Reason = sample.Reason,
            Answer = JsonSerializer.Serialize(answer, Json),
            CitationQuality = Round(citations.Score(answer)),
            Groundedness = Round(groundedness.Score(answer, texts)),
            AnswerRelevance = Round(await relevance.ScoreAsync(sample.Question, answer.Text, cancellationToken)),
            EvaluatorVersion = thresholds.EvaluatorVersion,
            ReplayId = sample.ReplayId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        eval.Flagged = eval.CitationQuality < thresholds.CitationQualityThreshold
            || eval.Groundedness < thresholds.GroundednessThreshold
            || eval.AnswerRelevance < thresholds.AnswerRelevanceThreshold;

        db.Add(eval);
        await publish.Publish(new EvalScored(eval.Id, eval.RequestId, eval.CitationQuality, eval.Groundedness, eval.AnswerRelevance,
            eval.Flagged, eval.EvaluatorVersion), cancellationToken);
        // A concurrent delivery of the same sample hits the unique index here; the retry then finds the row and skips it.
        await db.SaveChangesAsync(cancellationToken);
        if (eval.Flagged)
            LogFlagged(logger, eval.Id, eval.RequestId, eval.CitationQuality, eval.Groundedness, eval.AnswerRelevance);
        return true;
    }

    public static string PipelineName(ChatPipeline pipeline) => pipeline.ToString().ToLowerInvariant();

    /// <summary>The stored text of the answer's knowledge-base sources: a document source's id is its chunk's id.</summary>
    private async Task<IReadOnlyDictionary<string, string>> SourceTextsAsync(ChatAnswer answer, CancellationToken cancellationToken)
    {
        var ids = answer.Sources.Select(s => s.Id).Distinct().ToList();
        if (ids.Count == 0)
            return new Dictionary<string, string>();
        // Only the text: the whole entity would bring each chunk's embedding along for nothing.
        return await db.Set<KnowledgeChunk>().AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Text })
            .ToDictionaryAsync(c => c.Id, c => c.Text, cancellationToken);
    }

    private static double Round(double score) => Math.Round(score, 4);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Eval {EvalId} of request {RequestId} flagged for review (citations {CitationQuality}, groundedness {Groundedness}, relevance {AnswerRelevance})")]
    private static partial void LogFlagged(ILogger logger, Guid evalId, Guid requestId, double citationQuality, double groundedness, double answerRelevance);
}
