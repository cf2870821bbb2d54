using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pipeline.Infrastructure.Answering;

namespace Pipeline.Infrastructure.Comparisons;

/// <summary>Compares the retrieval step: chunk ids (overlap) and their scores (relative margin), as the original design's step 2.5.</summary>
public sealed class RetrievalComparer(IOptions<ComparisonOptions> options) : IResultComparer
{
    public string Kind => "retrieval";

    public Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Deserialize<List<RetrievedPassage>>(oldResultJson, ChatAnswerComparer.Json) ?? [];
        var after = JsonSerializer.Deserialize<List<RetrievedPassage>>(newResultJson, ChatAnswerComparer.Json) ?? [];
        var (overlap, maxDelta, diff) = SourceSetComparison.Compare(
            before.Select(p => (p.Source.Id, p.Source.Score)).ToList(),
            after.Select(p => (p.Source.Id, p.Source.Score)).ToList());
        var sourcesMatch = overlap >= options.Value.SourceOverlapThreshold && maxDelta <= options.Value.ScoreMargin;
        return Task.FromResult(new ComparisonScore(sourcesMatch, overlap, true, sourcesMatch, overlap, maxDelta,
            sourcesMatch ? new JsonObject() : new JsonObject { ["sources"] = diff }));
    }
}
