using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Comparisons;
using Pipeline.KnowledgeBase;
using Pipeline.Platform.Serialization;
using Xunit;

namespace Pipeline.Components.Tests.Evaluation.Comparisons;

public sealed class GenerationComparerTests
{
    [Fact]
    public async Task Generation_pairs_have_a_registered_comparer_that_scores_them_as_whole_answers()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbeddingGenerator(Options.Create(new KnowledgeBaseOptions())))
            .AddSingleton(TimeProvider.System)
            .AddComparisons(new ConfigurationBuilder().Build())
            .BuildServiceProvider();
        var comparer = Assert.Single(services.GetServices<IResultComparer>(), c => c.Kind == ComparisonKind.Generation);
        var legacy = Answer("GDPR protects personal data [1]. DORA governs ICT risk [2].", "g", "d");
        var modern = Answer("GDPR protects personal data [1]. DORA governs ICT risk [2].", "d", "g");

        var same = await comparer.CompareAsync(Json(legacy), Json(legacy), CancellationToken.None);
        var reordered = await comparer.CompareAsync(Json(legacy), Json(modern), CancellationToken.None);

        Assert.True(same.Match);
        Assert.False(reordered.Match);
        Assert.False(reordered.CitationsMatch);
        Assert.True(reordered.SourcesMatch, "the same sources in another order");
    }

    private static ChatAnswer Answer(string text, params string[] sourceIds)
    {
        var sources = sourceIds.Select(id => new ChatSource(id, null, id, null, 0.5, "document", null)).ToList();
        return new ChatAnswer(text, sources.Select((s, i) => new ChatCitation(i + 1, s.Id)).ToList(), sources, false, 1, new ChatUsage(0, 0, 0m));
    }

    private static string Json(ChatAnswer answer) => JsonSerializer.Serialize(answer, PipelineJson.Options);
}
