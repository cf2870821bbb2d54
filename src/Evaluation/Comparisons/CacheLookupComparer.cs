using Pipeline.Platform.Serialization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>
/// Compares the cache step: whether each implementation found a cached answer and, when both did, the answers
/// themselves by the whole-answer dimensions.
/// </summary>
internal sealed class CacheLookupComparer(ChatAnswerComparer answers) : IResultComparer
{
    public ComparisonKind Kind => ComparisonKind.Cache;

    public async Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Deserialize<ChatAnswer?>(oldResultJson, PipelineJson.Options);
        var after = JsonSerializer.Deserialize<ChatAnswer?>(newResultJson, PipelineJson.Options);
        if (before is null && after is null)
            return new ComparisonScore(true, 1, true, true, 1, 0, new JsonObject());
        if (before is null || after is null)
            return new ComparisonScore(false, 0, false, false, 0, 0,
                new JsonObject { ["hit"] = new JsonObject { ["old"] = before is not null, ["new"] = after is not null } });
        return await answers.CompareAsync(before, after, cancellationToken);
    }
}
