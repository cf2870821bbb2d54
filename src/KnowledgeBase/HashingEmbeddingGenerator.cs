using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// The built-in embedding generator: offline and deterministic feature hashing of normalised words and character
/// trigrams into a fixed number of dimensions, L2-normalised. It captures lexical overlap (shared words and word
/// pieces across Italian and English spellings), not meaning: synonyms and paraphrases are not close unless they
/// share words. Selected with <c>KnowledgeBase:EmbeddingProvider=hashing</c>; the default is a local semantic model.
/// </summary>
public sealed class HashingEmbeddingGenerator(IOptions<KnowledgeBaseOptions> options) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "hashing-trigram-v1";
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const float TrigramWeight = 0.5f;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? generationOptions = null, CancellationToken cancellationToken = default)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            embeddings.Add(new Embedding<float>(Embed(value, options.Value.EmbeddingDimensions)) { ModelId = ModelId });
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata(EmbeddingModels.HashingProvider, defaultModelId: ModelId,
            defaultModelDimensions: options.Value.EmbeddingDimensions)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    public static float[] Embed(string text, int dimensions)
    {
        var vector = new float[dimensions];
        foreach (var word in Words(text))
        {
            Add(vector, word, 1f);
            var padded = $"#{word}#";
            for (var i = 0; i + 3 <= padded.Length; i++)
                Add(vector, padded.Substring(i, 3), TrigramWeight);
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
                vector[i] /= norm;
        }

        return vector;
    }

    private static void Add(float[] vector, string feature, float weight)
    {
        var hash = FnvOffset;
        foreach (var c in feature)
            hash = (hash ^ c) * FnvPrime;
        // One bit of the hash picks the sign so collisions cancel out on average instead of piling up.
        var sign = (hash & 0x8000_0000) == 0 ? 1f : -1f;
        vector[(int)(hash % (uint)vector.Length)] += sign * weight;
    }

    private static IEnumerable<string> Words(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormD);
        var word = new StringBuilder();
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 1)
                yield return word.ToString();
            word.Clear();
        }

        if (word.Length > 1)
            yield return word.ToString();
    }
}
