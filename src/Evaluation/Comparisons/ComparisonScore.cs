using System.Text.Json.Nodes;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>A pair scored on separate dimensions, with a structured diff naming what differed.</summary>
public sealed record ComparisonScore(
    bool Match,
    double TextSimilarity,
    bool CitationsMatch,
    bool SourcesMatch,
    double SourceIdOverlap,
    double MaxScoreDelta,
    JsonObject Diff);
