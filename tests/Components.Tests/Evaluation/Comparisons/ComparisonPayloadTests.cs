using System.Text.Json;
using MassTransit.Serialization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Comparisons;
using Pipeline.KnowledgeBase;
using Pipeline.Platform.Serialization;
using Xunit;
using Pipeline.Persistence.Comparisons;

namespace Pipeline.Components.Tests.Evaluation.Comparisons;

public sealed class ComparisonPayloadTests
{
    private static readonly JsonSerializerOptions Bus = PipelineJson.ConfigureBus(new JsonSerializerOptions(SystemTextJsonMessageSerializer.Options));

    [Fact]
    public void A_pair_round_trips_on_the_bus_with_its_kind_and_outcome_readable()
    {
        var pair = new CompareResults(Guid.NewGuid(), "workflow-complete", ComparisonKind.Retrieval, "[]", null, ComparedOutcome.Missing, 40, null,
            NoiseSample: false, ReplayId: Guid.NewGuid());

        var json = JsonSerializer.Serialize(pair, Bus);

        using var wire = JsonDocument.Parse(json);
        Assert.Equal("retrieval", wire.RootElement.GetProperty("kind").GetString());
        Assert.Equal("missing", wire.RootElement.GetProperty("newOutcome").GetString());
        Assert.Equal(pair, JsonSerializer.Deserialize<CompareResults>(json, Bus));
    }

    [Fact]
    public void A_pair_sent_when_kinds_and_outcomes_were_strings_still_reads()
    {
        const string sentBefore = """
            {"requestId":"0b9a2b4e-54c1-4d0f-9a1e-3f7c2d1e8a90","flagName":"workflow-analysis","kind":"analysis","oldResult":"{}",
             "newResult":null,"newOutcome":"failed","oldDurationMs":12,"newDurationMs":null,"noiseSample":false,"replayId":null}
            """;

        var pair = JsonSerializer.Deserialize<CompareResults>(sentBefore, Bus)!;

        Assert.Equal((ComparisonKind.Analysis, ComparedOutcome.Failed), (pair.Kind, pair.NewOutcome));
    }

    [Fact]
    public void A_pair_of_an_unknown_kind_cannot_be_read()
    {
        const string unknown = """{"requestId":"0b9a2b4e-54c1-4d0f-9a1e-3f7c2d1e8a90","flagName":"f","kind":"poetry","oldResult":"{}","newOutcome":"completed"}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CompareResults>(unknown, Bus));
    }

    [Fact]
    public void Kinds_and_outcomes_are_stored_under_their_wire_names()
    {
        Assert.Equal(["chat", "analysis", "cache", "enhancement", "retrieval", "generation"], Enum.GetValues<ComparisonKind>().Select(ComparisonNames.Of));
        Assert.Equal(["completed", "failed", "missing"], Enum.GetValues<ComparedOutcome>().Select(ComparisonNames.Of));
        Assert.Equal("\"generation\"", JsonSerializer.Serialize(ComparisonKind.Generation, PipelineJson.Options));
    }

    [Fact]
    public async Task Every_comparison_kind_has_exactly_one_registered_comparer()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbeddingGenerator(Options.Create(new KnowledgeBaseOptions())))
            .AddSingleton(TimeProvider.System)
            .AddComparisons(new ConfigurationBuilder().Build())
            .BuildServiceProvider();

        var kinds = services.GetServices<IResultComparer>().Select(c => c.Kind).ToList();

        Assert.Equal(Enum.GetValues<ComparisonKind>().Order(), kinds.Order());
    }
}
