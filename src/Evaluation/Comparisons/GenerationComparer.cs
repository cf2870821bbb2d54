using Pipeline.Contracts;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>
/// Compares the generation step: its output is a whole answer, so it is scored by the whole-answer dimensions (text
/// similarity, citations, sources) under a kind of its own, which keeps step pairs apart from chat pairs (only those
/// go to evaluation).
/// </summary>
internal sealed class GenerationComparer(ChatAnswerComparer answers) : IResultComparer
{
    public ComparisonKind Kind => ComparisonKind.Generation;

    public Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken) =>
        answers.CompareAsync(oldResultJson, newResultJson, cancellationToken);
}
