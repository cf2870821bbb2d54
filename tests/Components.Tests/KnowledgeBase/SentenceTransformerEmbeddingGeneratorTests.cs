using Microsoft.Extensions.AI;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>The local ONNX models shipped in their packages, run for real.</summary>
public sealed class SentenceTransformerEmbeddingGeneratorTests
{
    private const string Question = "How quickly must a personal data breach be notified to the supervisory authority?";
    private const string Answering = "In the case of a personal data breach, the controller shall without undue delay and, where feasible, not later than 72 hours after having become aware of it, notify the personal data breach to the supervisory authority.";
    private const string Unrelated = "Manufacturers shall ensure that products with digital elements are designed to limit attack surfaces, including external interfaces.";

    [Theory]
    [InlineData(EmbeddingModels.MiniLmProvider, EmbeddingModels.MiniLmModelId)]
    [InlineData(EmbeddingModels.ArcticXsProvider, EmbeddingModels.ArcticXsModelId)]
    public async Task Vectors_have_the_column_dimension_unit_length_and_name_their_model(string provider, string modelId)
    {
        using var generator = new SentenceTransformerEmbeddingGenerator(provider);

        var generated = await generator.GenerateAsync([Question, Answering]);

        Assert.Equal(modelId, generator.ModelId());
        Assert.All(generated, e =>
        {
            Assert.Equal(KnowledgeChunkConfiguration.EmbeddingDimensions, e.Vector.Length);
            Assert.Equal(1.0, Math.Sqrt(e.Vector.ToArray().Sum(v => (double)v * v)), 3);
            Assert.Equal(modelId, e.ModelId);
        });
    }

    [Theory]
    [InlineData(EmbeddingModels.MiniLmProvider)]
    [InlineData(EmbeddingModels.ArcticXsProvider)]
    public async Task A_question_is_closer_to_the_passage_that_answers_it_than_to_an_unrelated_one(string provider)
    {
        using var generator = new SentenceTransformerEmbeddingGenerator(provider);

        var v = await generator.GenerateAsync([Question, Answering, Unrelated]);

        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]) + 0.05, $"answering {Cosine(v[0], v[1]):F3}, unrelated {Cosine(v[0], v[2]):F3}");
    }

    [Fact]
    public async Task A_batch_keeps_its_order_and_gives_the_vectors_of_single_calls()
    {
        using var generator = new SentenceTransformerEmbeddingGenerator(EmbeddingModels.MiniLmProvider);
        // Lengths out of order, more texts than one model call takes: the generator sorts by length and batches.
        string[] texts = [Answering, "GDPR", Unrelated, Question, "Article 17", Answering + " " + Unrelated, "DORA", "right to erasure", "CRA", Question + " " + Answering];

        var batch = await generator.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            var single = await generator.GenerateAsync([texts[i]]);
            Assert.Equal(1.0, Cosine(batch[i], single[0]), 4);
        }
    }

    private static double Cosine(Embedding<float> a, Embedding<float> b) =>
        a.Vector.ToArray().Zip(b.Vector.ToArray()).Sum(p => (double)p.First * p.Second);
}
