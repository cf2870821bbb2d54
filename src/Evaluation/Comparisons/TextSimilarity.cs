using Microsoft.Extensions.AI;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Cosine similarity of two texts' embeddings (1 for identical texts without asking the generator).</summary>
public static class TextSimilarity
{
    /// <summary>
    /// The service key of the generator comparators and evaluators embed with: the process's generator behind a memory
    /// of recent texts (<see cref="TextSimilarityServiceCollectionExtensions.AddTextSimilarity"/>).
    /// </summary>
    public const string EmbeddingsKey = "text-similarity";

    public static async Task<double> OfAsync(IEmbeddingGenerator<string, Embedding<float>> embeddings, string before, string after, CancellationToken cancellationToken)
    {
        if (string.Equals(before, after, StringComparison.Ordinal))
            return 1.0;

        var vectors = await embeddings.GenerateAsync([before, after], cancellationToken: cancellationToken);
        return Cosine(vectors[0].Vector.Span, vectors[1].Vector.Span);
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / (Math.Sqrt(na) * Math.Sqrt(nb));
    }
}
