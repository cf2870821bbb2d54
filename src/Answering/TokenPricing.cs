namespace Pipeline.Answering;

/// <summary>
/// Prices a generation's token usage: by the model the response says answered, else the configured model, from
/// <see cref="GenerationOptions.Pricing"/>; a model missing from the table costs the flat per-1,000-token rates.
/// </summary>
internal static class TokenPricing
{
    private const decimal TokensPerPriceUnit = 1000m;

    public static decimal CostOf(GenerationOptions options, string? reportedModel, long inputTokens, long outputTokens)
    {
        // The reported id first: a provider may answer with a dated snapshot of the configured alias, priced on its own.
        var price = new[] { reportedModel, options.Model }
            .Select(model => model is not null && options.Pricing.TryGetValue(model, out var listed) ? listed : null)
            .FirstOrDefault(listed => listed is not null);
        var input = price?.InputPer1kTokens ?? options.InputCostPer1kTokens;
        var output = price?.OutputPer1kTokens ?? options.OutputCostPer1kTokens;
        return inputTokens / TokensPerPriceUnit * input + outputTokens / TokensPerPriceUnit * output;
    }
}
