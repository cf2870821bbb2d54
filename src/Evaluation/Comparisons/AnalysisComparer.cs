using Pipeline.KnowledgeBase.Questions;
using Pipeline.Platform.Serialization;
using Pipeline.Contracts;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Answering;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Compares the analysis step: intent, named regulations and article numbers must agree.</summary>
internal sealed class AnalysisComparer : IResultComparer
{
    public ComparisonKind Kind => ComparisonKind.Analysis;

    public Task<ComparisonScore> CompareAsync(string oldResultJson, string newResultJson, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Deserialize<QueryAnalysis>(oldResultJson, PipelineJson.Options) ?? throw new JsonException("The old analysis is empty.");
        var after = JsonSerializer.Deserialize<QueryAnalysis>(newResultJson, PipelineJson.Options) ?? throw new JsonException("The new analysis is empty.");
        var diff = new JsonObject();
        var intent = before.Intent == after.Intent;
        var regulations = before.Regulations.Order().SequenceEqual(after.Regulations.Order());
        var articles = before.ArticleNumbers.Order().SequenceEqual(after.ArticleNumbers.Order());
        if (!intent)
            diff["intent"] = new JsonObject { ["old"] = before.Intent.ToString(), ["new"] = after.Intent.ToString() };
        if (!regulations)
            diff["regulations"] = new JsonObject { ["old"] = string.Join(",", before.Regulations), ["new"] = string.Join(",", after.Regulations) };
        if (!articles)
            diff["articleNumbers"] = new JsonObject { ["old"] = string.Join(",", before.ArticleNumbers), ["new"] = string.Join(",", after.ArticleNumbers) };

        // The share of fields that agree stands in for text similarity; citations and sources do not apply.
        var agreement = (Convert.ToInt32(intent) + Convert.ToInt32(regulations) + Convert.ToInt32(articles)) / 3.0;
        return Task.FromResult(new ComparisonScore(intent && regulations && articles, agreement, true, true, 1, 0, diff));
    }
}
