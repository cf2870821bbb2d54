using Pipeline.Contracts;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Compares the enhancement step: the rewritten queries, by the same text similarity as whole answers.</summary>
internal sealed class EnhancementComparer([FromKeyedServices(TextSimilarity.EmbeddingsKey)] IEmbeddingGenerator<string, Embedding<float>> embeddings, IOptions<ComparisonOptions> options) : IResultComparer
{
    public ComparisonKind Kind => ComparisonKind.Enhancement;

    public async Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Deserialize<string>(oldResultJson) ?? "";
        var after = JsonSerializer.Deserialize<string>(newResultJson) ?? "";
        var similarity = await TextSimilarity.OfAsync(embeddings, before, after, cancellationToken);
        var match = similarity > options.Value.TextSimilarityThreshold;
        var diff = match ? new JsonObject() : new JsonObject { ["query"] = new JsonObject { ["old"] = before, ["new"] = after } };
        return new ComparisonScore(match, similarity, true, true, 1, 0, diff);
    }
}
