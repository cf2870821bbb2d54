using Microsoft.Extensions.AI;

namespace Pipeline.KnowledgeBase;

/// <summary>The embedding providers <c>KnowledgeBase:EmbeddingProvider</c> names, and the model id every stored vector records.</summary>
public static class EmbeddingModels
{
    public const string MiniLmProvider = "minilm";
    public const string ArcticXsProvider = "arcticxs";
    public const string HashingProvider = "hashing";
    public const string OpenAiProvider = "openai";

    /// <summary>The options' validation pattern: every provider above.</summary>
    public const string ProviderPattern = "^(minilm|arcticxs|hashing|openai)$";

    /// <summary>Provider name in the generators' metadata for the models run in-process.</summary>
    public const string LocalProviderName = "onnx";

    public const string MiniLmModelId = "all-MiniLM-L6-v2";
    public const string ArcticXsModelId = "snowflake-arctic-embed-xs";

    public static string ModelIdOf(string localProvider) => localProvider switch
    {
        MiniLmProvider => MiniLmModelId,
        ArcticXsProvider => ArcticXsModelId,
        _ => throw new ArgumentOutOfRangeException(nameof(localProvider), localProvider, "Not a local sentence-transformer model."),
    };

    /// <summary>
    /// The model a generator's vectors belong to, recorded beside each stored vector: vectors of two models live in
    /// different spaces, so a search compares only vectors of the model that embedded the query.
    /// </summary>
    public static string ModelId(this IEmbeddingGenerator<string, Embedding<float>> generator) =>
        generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException($"The embedding generator {generator.GetType().Name} names no model (EmbeddingGeneratorMetadata.DefaultModelId).");
}
