using Microsoft.Extensions.AI;

namespace Pipeline.KnowledgeBase.SemanticCache;

/// <summary>
/// Starts a question's embedding while its execution is still being received: the worker's inbox transaction (its
/// round trips to the database) runs meanwhile, and the cache lookup then awaits the running model call instead of
/// starting it (<see cref="QuestionEmbeddings.TryGetInFlight"/>). The work is pure, on the question's text alone, so a
/// message that turns out to be a duplicate costs only a vector the memo keeps for the next time.
/// </summary>
public sealed class QuestionEmbeddingAhead(IEmbeddingGenerator<string, Embedding<float>> embeddings, QuestionEmbeddings recent)
{
    public void Start(string question) => recent.StartAhead(embeddings, question);
}
