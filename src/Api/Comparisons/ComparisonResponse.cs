using System.Text.Json;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Persistence.Comparisons;

namespace Pipeline.Api.Comparisons;

/// <summary>A comparison as the contract shows it (§3).</summary>
public sealed record ComparisonResponse(
    Guid Id,
    Guid RequestId,
    string FlagName,
    string Kind,
    bool Match,
    double TextSimilarity,
    bool CitationsMatch,
    bool SourcesMatch,
    ComparisonScores Scores,
    JsonElement Diff,
    long OldDurationMs,
    long? NewDurationMs,
    JsonElement OldResult,
    JsonElement? NewResult,
    string NewOutcome,
    bool NoiseSample,
    Guid? ReplayId,
    DateTime CreatedAt)
{
    public static ComparisonResponse From(Comparison c) => new(
        c.Id, c.RequestId, c.FlagName, c.Kind, c.Match, c.TextSimilarity, c.CitationsMatch, c.SourcesMatch,
        new ComparisonScores(c.SourceIdOverlap, c.MaxScoreDelta),
        Parse(c.Diff), c.OldDurationMs, c.NewDurationMs, Parse(c.OldResult), c.NewResult is null ? null : Parse(c.NewResult),
        c.NewOutcome, c.NoiseSample, c.ReplayId, c.CreatedAt);

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>The numeric dimensions behind <c>sourcesMatch</c>.</summary>
public sealed record ComparisonScores(double SourceIdOverlap, double MaxScoreDelta);
