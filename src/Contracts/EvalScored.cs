namespace Pipeline.Contracts;

/// <summary>An evaluator scored a sampled answer.</summary>
public sealed record EvalScored(
    Guid EvalId,
    Guid RequestId,
    double CitationQuality,
    double Groundedness,
    double AnswerRelevance,
    bool Flagged,
    string EvaluatorVersion);
