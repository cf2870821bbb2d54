using System.Collections.Concurrent;
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
    private int _count;

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
