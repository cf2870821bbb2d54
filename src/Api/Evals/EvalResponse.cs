using System.Text.Json;
using Pipeline.Persistence.Evals;

namespace Pipeline.Api.Evals;

/// <summary>An eval as <c>GET /api/evals</c> shows it: the scores, the scored answer, and the review once there is one.</summary>
internal sealed record EvalResponse(
    Guid Id,
    Guid RequestId,
    string Question,
    string Pipeline,
    string Reason,
    double CitationQuality,
    double Groundedness,
    double AnswerRelevance,
    bool Flagged,
    string EvaluatorVersion,
    DateTime CreatedAt,
    JsonElement Answer,
    EvalReviewResponse? Review)
{
    public static EvalResponse From(EvalResult e) => new(
        e.Id, e.RequestId, e.Question, e.Pipeline, e.Reason, e.CitationQuality, e.Groundedness, e.AnswerRelevance, e.Flagged,
        e.EvaluatorVersion, e.CreatedAt, JsonDocument.Parse(e.Answer).RootElement.Clone(),
        e.ReviewVerdict is null ? null : new EvalReviewResponse(e.ReviewVerdict, e.ReviewNote, e.ReviewedAt!.Value, e.ReviewedBy ?? ""));
}

/// <summary>A human's verdict on an eval.</summary>
internal sealed record EvalReviewResponse(string Verdict, string? Note, DateTime ReviewedAt, string ReviewedBy);
