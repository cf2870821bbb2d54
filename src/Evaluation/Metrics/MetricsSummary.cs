namespace Pipeline.Evaluation.Metrics;

/// <summary>A flag's rollout as the summary reports it.</summary>
public sealed record FlagRollout(string Name, string Status, double? RolloutPercentage, string? Parent);

/// <summary>Shadow comparisons recorded in the window (noise-floor samples excluded); match rate null when there were none.</summary>
public sealed record ComparisonRate(int Count, double? MatchRate);

/// <summary>The operator's one-look view over a window: traffic outcomes, flag rollouts and shadow agreement.</summary>
public sealed record MetricsSummary(string Window, TrafficSummary Traffic, IReadOnlyList<FlagRollout> Flags, ComparisonRate Comparisons);
