using Pipeline.Contracts;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Scores old vs new results of one kind (whole chat answers, or a pipeline step's output).</summary>
public interface IResultComparer
{
    /// <summary>The result kind this comparer understands.</summary>
    ComparisonKind Kind { get; }

    Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken);
}
