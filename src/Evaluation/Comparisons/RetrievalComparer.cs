using Pipeline.Platform.Serialization;
using Pipeline.Contracts;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pipeline.Answering;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Compares the retrieval step: chunk ids (overlap) and their scores (relative margin), as the original design's step 2.5.</summary>
internal sealed class RetrievalComparer(IOptions<ComparisonOptions> options) : IResultComparer
{
    public ComparisonKind Kind => ComparisonKind.Retrieval;

    public Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Deserialize<List<RetrievedPassage>>(oldResultJson, PipelineJson.Options) ?? [];
        var after = JsonSerializer.Deserialize<List<RetrievedPassage>>(newResultJson, PipelineJson.Options) ?? [];
        var (overlap, maxDelta, diff) = SourceSetComparison.Compare(
            before.Select(p => (p.Source.Id, p.Source.Score)).ToList(),
            after.Select(p => (p.Source.Id, p.Source.Score)).ToList());
        var sourcesMatch = overlap >= options.Value.SourceOverlapThreshold && maxDelta <= options.Value.ScoreMargin;
        return Task.FromResult(new ComparisonScore(sourcesMatch, overlap, true, sourcesMatch, overlap, maxDelta,
            sourcesMatch ? new JsonObject() : new JsonObject { ["sources"] = diff }));
    }
}
