namespace Pipeline.Api.Evals;

/// <summary>The body of <c>POST /api/evals/{id}/review</c>.</summary>
public sealed record EvalReviewBody(string? Verdict, string? Note);
