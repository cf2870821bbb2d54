using System.Diagnostics;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase;

namespace Pipeline.Answering;

/// <summary>Answers count questions from the database itself, in the question's language.</summary>
public sealed class KnowledgeBaseStatsAnswer(IKnowledgeSearch search, TimeProvider time)
{
    public async Task<ChatAnswer> WriteAsync(string question, Func<string, CancellationToken, Task> onPiece, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var stats = await search.GetStatsAsync(cancellationToken);
        var text = LanguageGuesser.Guess(question) == LanguageGuesser.Italian
            ? $"Nel database ci sono {stats.Documents} documenti, suddivisi in {stats.Chunks} passaggi."
            : $"The database holds {stats.Documents} documents, split into {stats.Chunks} passages.";
        await onPiece(text, cancellationToken);
        Activity.Current?.SetTag("pipeline.answer", "stats");
        return new ChatAnswer(text, [], [], false, (long)time.GetElapsedTime(started).TotalMilliseconds, new ChatUsage(0, 0, 0m));
    }
}
