using System.ComponentModel.DataAnnotations;

namespace Pipeline.Answering;

/// <summary>Which generator answers and how (<c>Generation:*</c>).</summary>
public sealed class GenerationOptions
{
    public const string SectionName = "Generation";

    /// <summary><c>extractive</c> (built-in, offline) or <c>openai</c> (any OpenAI-compatible endpoint).</summary>
    [Required, RegularExpression("^(extractive|openai)$")] public string Provider { get; set; } = "extractive";

    public string? Endpoint { get; set; }
    public string? ApiKey { get; set; }
    public string? Model { get; set; }

    /// <summary>Cost per 1,000 input and output tokens of a model that <see cref="Pricing"/> does not list, for the usage record.</summary>
    [Range(typeof(decimal), "0", ModelPrice.MaxPer1kTokens, ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal InputCostPer1kTokens { get; set; }

    [Range(typeof(decimal), "0", ModelPrice.MaxPer1kTokens, ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal OutputCostPer1kTokens { get; set; }

    /// <summary>Prices per model id (<c>Generation:Pricing:{model}:InputPer1kTokens</c>, …); ids compare case-insensitively.</summary>
    public Dictionary<string, ModelPrice> Pricing { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many sources a prompt carries.</summary>
    [Range(1, 50)] public int MaxSources { get; set; } = 5;

    [Range(1, 50)] public int MaxSentences { get; set; } = 4;
    [Range(1, 10)] public int MaxSentencesPerSource { get; set; } = 2;
    [Range(1, 100)] public int WordsPerToken { get; set; } = 3;

    public string NoSourcesAnswer { get; set; } = "The knowledge base has no passage that answers this question.";
}
