using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Platform.Serialization;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>
/// Compares whole chat answers as the original design does: semantic text similarity (cosine of embeddings), exact
/// citations, source-id overlap and per-source score margins, each kept as its own dimension.
/// </summary>
internal sealed class ChatAnswerComparer(
    [FromKeyedServices(TextSimilarity.EmbeddingsKey)] IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IOptions<ComparisonOptions> options) : IResultComparer
{
    public ComparisonKind Kind => ComparisonKind.Chat;

    public async Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Deserialize<ChatAnswer>(oldResultJson, PipelineJson.Options) ?? throw new JsonException("The old result is empty.");
        var after = JsonSerializer.Deserialize<ChatAnswer>(newResultJson, PipelineJson.Options) ?? throw new JsonException("The new result is empty.");
        return await CompareAsync(before, after, cancellationToken);
    }

    public async Task<ComparisonScore> CompareAsync(ChatAnswer before, ChatAnswer after, CancellationToken cancellationToken)
    {
        var thresholds = options.Value;
        var similarity = await TextSimilarity.OfAsync(embeddings, before.Text, after.Text, cancellationToken);
        var citationsMatch = before.Citations.SequenceEqual(after.Citations);
        var (overlap, maxDelta, sourceDiff) = SourceSetComparison.Compare(
            before.Sources.Select(s => (s.Id, s.Score)).ToList(),
            after.Sources.Select(s => (s.Id, s.Score)).ToList());
        var sourcesMatch = overlap >= thresholds.SourceOverlapThreshold && maxDelta <= thresholds.ScoreMargin;
        var textMatch = similarity > thresholds.TextSimilarityThreshold;

        var diff = new JsonObject();
        if (!textMatch)
            diff["text"] = new JsonObject { ["similarity"] = Math.Round(similarity, 4), ["old"] = before.Text, ["new"] = after.Text };
        if (!citationsMatch)
        {
            diff["citations"] = new JsonObject
            {
                ["old"] = JsonSerializer.SerializeToNode(before.Citations, PipelineJson.Options),
                ["new"] = JsonSerializer.SerializeToNode(after.Citations, PipelineJson.Options),
            };
        }

        if (!sourcesMatch)
            diff["sources"] = sourceDiff;

        return new ComparisonScore(textMatch && citationsMatch && sourcesMatch, similarity, citationsMatch, sourcesMatch, overlap, maxDelta, diff);
    }
}
