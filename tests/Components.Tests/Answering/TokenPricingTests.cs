using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

public sealed class TokenPricingTests
{
    private static readonly GenerationOptions Priced = new()
    {
        Model = "gpt-4o-mini",
        InputCostPer1kTokens = 1m,
        OutputCostPer1kTokens = 2m,
        Pricing =
        {
            ["gpt-4o-mini"] = new ModelPrice { InputPer1kTokens = 0.15m, OutputPer1kTokens = 0.6m },
            ["gpt-4o-mini-2024-07-18"] = new ModelPrice { InputPer1kTokens = 0.1m, OutputPer1kTokens = 0.4m },
        },
    };

    [Fact]
    public void A_model_in_the_table_costs_its_own_prices()
    {
        Assert.Equal(2000 / 1000m * 0.1m + 500 / 1000m * 0.4m, TokenPricing.CostOf(Priced, "gpt-4o-mini-2024-07-18", 2000, 500));
    }

    [Fact]
    public void A_reported_model_not_in_the_table_costs_the_configured_models_prices()
    {
        Assert.Equal(2000 / 1000m * 0.15m + 500 / 1000m * 0.6m, TokenPricing.CostOf(Priced, "gpt-4o-mini-2025-01-01", 2000, 500));
    }

    [Fact]
    public void A_model_nobody_priced_costs_the_flat_rates()
    {
        var options = new GenerationOptions { Model = "llama", InputCostPer1kTokens = 1m, OutputCostPer1kTokens = 2m, Pricing = Priced.Pricing };

        Assert.Equal(2000 / 1000m * 1m + 500 / 1000m * 2m, TokenPricing.CostOf(options, "mistral", 2000, 500));
    }

    [Fact]
    public async Task The_usage_record_is_priced_by_the_model_the_response_reports()
    {
        var options = Options.Create(new GenerationOptions
        {
            Model = "configured",
            InputCostPer1kTokens = 9m,
            OutputCostPer1kTokens = 9m,
            Pricing = { [ExtractiveChatClient.ModelId] = new ModelPrice { InputPer1kTokens = 1m, OutputPer1kTokens = 2m } },
        });
        var writer = new GroundedAnswerWriter(new ExtractiveChatClient(options), options, TimeProvider.System);

        var answer = await writer.WriteAsync("What is DORA?",
            [new RetrievedPassage(new ChatSource("a", null, "DORA", null, 1, SourceTypes.Document, null), "DORA is the digital operational resilience act.")],
            (_, _) => Task.CompletedTask, CancellationToken.None);

        Assert.True(answer.Usage.OutputTokens > 0);
        Assert.Equal(answer.Usage.InputTokens / 1000m * 1m + answer.Usage.OutputTokens / 1000m * 2m, answer.Usage.CostUsd);
    }

    [Fact]
    public void Prices_bind_from_configuration_per_model_and_a_negative_price_stops_the_start()
    {
        Assert.Equal(0.6m, Bind(("Generation:Pricing:gpt-4o-mini:OutputPer1kTokens", "0.6")).Pricing["GPT-4o-mini"].OutputPer1kTokens);
        Assert.Throws<OptionsValidationException>(() => Bind(("Generation:Pricing:gpt-4o-mini:InputPer1kTokens", "-0.1")));
        Assert.Throws<OptionsValidationException>(() => Bind(("Generation:OutputCostPer1kTokens", "-0.1")));
    }

    private static GenerationOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        using var services = new ServiceCollection().AddLogging().AddAnswerGeneration(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<GenerationOptions>>().Value;
    }
}
