using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Evaluation.Evals;
using Pipeline.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.Evaluation.Evals;

public sealed class EvalRegistrationTests
{
    [Fact]
    public void The_built_in_extractive_generator_is_never_the_relevance_judge()
    {
        using var services = Build(new Dictionary<string, string?>());

        Assert.Null(services.GetRequiredService<RelevanceJudge>().Client);
    }

    [Fact]
    public void A_configured_external_model_is_the_relevance_judge()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Generation:Provider"] = "openai",
            ["Generation:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Generation:Model"] = "judge-model",
        });

        var judge = services.GetRequiredService<RelevanceJudge>();
        Assert.NotNull(judge.Client);
        Assert.Equal("judge-model", judge.ModelId);
    }

    [Fact]
    public void Relevance_calibration_must_rise_from_unrelated_to_full()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Evals:UnrelatedSimilarity"] = "0.5",
            ["Evals:FullRelevanceSimilarity"] = "0.2",
        });

        Assert.ThrowsAny<Exception>(() => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EvalOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddKnowledgeBase(configuration);
        services.AddEvals(configuration);
        return services.BuildServiceProvider();
    }
}
