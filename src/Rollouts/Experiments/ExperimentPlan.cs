using Pipeline.KnowledgeBase.Quality;

namespace Pipeline.Rollouts.Experiments;

/// <summary>A validated request for an experiment: its questions, the variants that answer them, and what the gate weighs.</summary>
public sealed record ExperimentPlan(
    string Name, string Flag, string Dataset, IReadOnlyList<GoldenQuestion> Questions, IReadOnlyList<string> Variants,
    string Treatment, string Control, string RequestedBy);
