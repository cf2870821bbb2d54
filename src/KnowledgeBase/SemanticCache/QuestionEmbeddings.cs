using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pgvector;

namespace Pipeline.KnowledgeBase.SemanticCache;

/// <summary>
/// The vectors of recently asked questions, per embedding model, shared by the process: a question asked again — the
/// semantic cache's reason to exist — costs no model run before its lookup. Bounded by
/// <see cref="SemanticCacheOptions.MemoizedQuestions"/>; when full it forgets everything at once, cruder than least
/// recently used but enough for a memo whose miss only costs one embedding.
/// </summary>
public sealed class QuestionEmbeddings(IOptions<SemanticCacheOptions> options)
{
    private ConcurrentDictionary<(string Model, string Question), Vector> _vectors = new();
    private readonly ConcurrentDictionary<(string Model, string Question), Task<Vector>> _inFlight = new();
    private int _count;

    /// <summary>Runs the model on one question and remembers its vector.</summary>
    public async Task<Vector> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> embeddings, string question, CancellationToken cancellationToken)
    {
        var generated = await embeddings.GenerateAsync([question], cancellationToken: cancellationToken);
        var vector = new Vector(generated[0].Vector);
        Remember(embeddings.ModelId(), question, vector);
        return vector;
    }

    /// <summary>
    /// Starts <see cref="EmbedAsync"/> for a question on the thread pool unless its vector is known or already coming:
    /// the embedding of a question whose execution is still being received (see <see cref="QuestionEmbeddingAhead"/>).
    /// Until it is done <see cref="TryGetInFlight"/> hands out the running model call.
    /// </summary>
    public void StartAhead(IEmbeddingGenerator<string, Embedding<float>> embeddings, string question)
    {
        var key = (embeddings.ModelId(), question);
        if (_vectors.ContainsKey(key))
            return;
        var running = new TaskCompletionSource<Vector>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inFlight.TryAdd(key, running.Task))
            return;
        _ = CompleteAsync();

        async Task CompleteAsync()
        {
            try
            {
                running.SetResult(await Task.Run(() => EmbedAsync(embeddings, question, CancellationToken.None)));
            }
            catch (Exception ex)
            {
                // The lookup that awaits it fails as its own model call would have.
                running.SetException(ex);
            }
            finally
            {
                _inFlight.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The model call already running for the question, if any.</summary>
    public bool TryGetInFlight(string model, string question, out Task<Vector> vector) =>
        _inFlight.TryGetValue((model, question), out vector!);

    public bool TryGet(string model, string question, out Vector vector)
    {
        if (_vectors.TryGetValue((model, question), out var found))
        {
            vector = found;
            return true;
        }

        vector = null!;
        return false;
    }

    public void Remember(string model, string question, Vector vector)
    {
        var limit = options.Value.MemoizedQuestions;
        if (limit == 0 || !_vectors.TryAdd((model, question), vector))
            return;
        if (Interlocked.Increment(ref _count) > limit)
        {
            _vectors = new();
            Interlocked.Exchange(ref _count, 0);
        }
    }
}
