using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Evals;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.KnowledgeBase;

namespace Pipeline.Evaluation.Evals;

/// <summary>
/// Scores sampled answers (citation quality, groundedness against the retrieved chunks, relevance), flags each for
/// review when a score is below its threshold, and stores them together with their <see cref="EvalScored"/> in one
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
    /// <summary>Scores and stores the sample; returns false when it was already scored.</summary>
    public async Task<bool> EvaluateAsync(ResultSampled sample, CancellationToken cancellationToken) =>
        await EvaluateAsync([sample], cancellationToken) == 1;

    /// <summary>
    /// Scores a batch of samples in one unit of work, their <see cref="EvalScored"/> events with them; samples already
    /// scored (or repeated within the batch) are skipped. Returns how many were scored.
    /// </summary>
    public async Task<int> EvaluateAsync(IReadOnlyList<ResultSampled> samples, CancellationToken cancellationToken)
    {
        var requestIds = samples.Select(s => s.RequestId).Distinct().ToList();
        var scored = (await db.Set<EvalResult>().AsNoTracking()
                .Where(e => requestIds.Contains(e.RequestId))
                .Select(e => new { e.RequestId, e.Pipeline, e.Reason })
                .ToListAsync(cancellationToken))
            .Select(e => (e.RequestId, e.Pipeline, e.Reason))
            .ToHashSet();
        var texts = await SourceTextsAsync(samples.SelectMany(s => s.Answer.Sources), cancellationToken);

        var added = new List<EvalResult>();
        foreach (var sample in samples)
        {
            var pipeline = PipelineName(sample.Pipeline);
            if (!scored.Add((sample.RequestId, pipeline, sample.Reason)))
                continue;
            var eval = await ScoreAsync(sample, pipeline, texts, cancellationToken);
            db.Add(eval);
            await publish.Publish(new EvalScored(eval.Id, eval.RequestId, eval.CitationQuality, eval.Groundedness, eval.AnswerRelevance,
                eval.Flagged, eval.EvaluatorVersion), cancellationToken);
            added.Add(eval);
        }

        // A concurrent delivery of the same sample hits the unique index here; the retry then finds the row and skips it.
        if (added.Count > 0)
            await db.SaveChangesAsync(cancellationToken);
        foreach (var eval in added.Where(e => e.Flagged))
            LogFlagged(logger, eval.Id, eval.RequestId, eval.CitationQuality, eval.Groundedness, eval.AnswerRelevance);
        return added.Count;
    }

    /// <summary>The three scores of an answer to a question, without storing or publishing anything (experiments).</summary>
    public async Task<(double CitationQuality, double Groundedness, double AnswerRelevance)> ScoreAsync(string question, ChatAnswer answer, CancellationToken cancellationToken) =>
        await ScoresAsync(question, answer, await SourceTextsAsync(answer.Sources, cancellationToken), cancellationToken);

    private async Task<(double CitationQuality, double Groundedness, double AnswerRelevance)> ScoresAsync(
        string question, ChatAnswer answer, IReadOnlyDictionary<string, string> texts, CancellationToken cancellationToken)
    {
        // Groundedness weighs every text it is given: only this answer's own sources, not the whole batch's.
        var ownTexts = answer.Sources.Select(s => s.Id).Distinct().Where(texts.ContainsKey).ToDictionary(id => id, id => texts[id]);
        return (Round(citations.Score(answer)), Round(groundedness.Score(answer, ownTexts)),
            Round(await relevance.ScoreAsync(question, answer.Text, cancellationToken)));
    }

    private async Task<EvalResult> ScoreAsync(ResultSampled sample, string pipeline, IReadOnlyDictionary<string, string> texts, CancellationToken cancellationToken)
    {
        var answer = sample.Answer;
        var (citationQuality, groundednessScore, answerRelevance) = await ScoresAsync(sample.Question, answer, texts, cancellationToken);
        var thresholds = options.Value;
        var eval = new EvalResult
        {
            Id = NewId.NextGuid(),
            RequestId = sample.RequestId,
            Question = sample.Question,
            Pipeline = pipeline,
            Reason = sample.Reason,
            Answer = JsonSerializer.Serialize(answer, PipelineJson.Options),
            CitationQuality = citationQuality,
            Groundedness = groundednessScore,
            AnswerRelevance = answerRelevance,
            EvaluatorVersion = thresholds.EvaluatorVersion,
            ReplayId = sample.ReplayId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        eval.Flagged = eval.CitationQuality < thresholds.CitationQualityThreshold
            || eval.Groundedness < thresholds.GroundednessThreshold
            || eval.AnswerRelevance < thresholds.AnswerRelevanceThreshold;
        return eval;
    }

    public static string PipelineName(ChatPipeline pipeline) => pipeline.ToString().ToLowerInvariant();

    /// <summary>The stored text of knowledge-base sources: a document source's id is its chunk's id.</summary>
    private async Task<IReadOnlyDictionary<string, string>> SourceTextsAsync(IEnumerable<ChatSource> sources, CancellationToken cancellationToken)
    {
        var ids = sources.Select(s => s.Id).Distinct().ToList();
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
