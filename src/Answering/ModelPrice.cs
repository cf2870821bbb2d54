using System.ComponentModel.DataAnnotations;

namespace Pipeline.Answering;

/// <summary>What one model's tokens cost in USD (<c>Generation:Pricing:{model}:*</c>).</summary>
public sealed class ModelPrice
{
    /// <summary>The highest price per 1,000 tokens accepted: anything above is a typo, not a tariff.</summary>
    public const string MaxPer1kTokens = "1000";

    // Limits typed as decimal: an int range would round the price first and let -0.1 through as 0.
    [Range(typeof(decimal), "0", MaxPer1kTokens, ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal InputPer1kTokens { get; set; }

    [Range(typeof(decimal), "0", MaxPer1kTokens, ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal OutputPer1kTokens { get; set; }
}
