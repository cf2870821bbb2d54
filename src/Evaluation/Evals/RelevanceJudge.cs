using Microsoft.Extensions.AI;

namespace Pipeline.Evaluation.Evals;

/// <summary>The model asked to judge answer relevance; absent when no external model is configured.</summary>
/// <remarks>The built-in extractive generator only quotes sources, so it is never a judge.</remarks>
public sealed record RelevanceJudge(IChatClient? Client, string? ModelId)
{
    public static RelevanceJudge None { get; } = new(null, null);
}
