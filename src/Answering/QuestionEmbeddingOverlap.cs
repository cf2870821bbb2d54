using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.Answering;

/// <summary>How both pipelines keep a new question's retrieval off the embedding model's critical path.</summary>
public static class QuestionEmbeddingOverlap
{
    /// <summary>
    /// Runs <paramref name="alongside"/> (work that needs no vector, such as a retrieval on the execution's connection)
    /// while the model embeds the question on the thread pool, and returns its result once both are done: a failed
    /// embedding must not leave a statement running on the connection the cache lookup needs next.
    /// </summary>
    public static async Task<T> EmbedQuestionAlongsideAsync<T>(
        this SemanticAnswerCache cache, string question, Func<Task<T>> alongside, CancellationToken cancellationToken)
    {
        var embedding = Task.Run(() => EmbedAsync(cache, question, cancellationToken), cancellationToken);
        var other = alongside();
        await Task.WhenAll(embedding, other);
        return await other;
    }

    private static async Task EmbedAsync(SemanticAnswerCache cache, string question, CancellationToken cancellationToken)
    {
        using (PipelineTelemetry.Source.StartActivity("cache.embedding"))
            await cache.EmbedQuestionAsync(question, cancellationToken);
    }
}
