namespace Pipeline.Rollouts.Experiments;

/// <summary>A finished experiment's paired comparison of the flag's new side against its old side.</summary>
public sealed record ExperimentEvidence(Guid Id, string Treatment, string Control, string Metric, MeanComparison Comparison, DateTime FinishedAt);
