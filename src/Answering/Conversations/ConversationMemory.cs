using Microsoft.Extensions.Options;
using Pipeline.Answering.Text;

namespace Pipeline.Answering.Conversations;

/// <summary>
/// Loads a conversation's history for the prompt (<c>memory-loading</c>) and, for long conversations, folds the older
/// turns into a short extractive summary (<c>memory-summarization</c>) so the prompt stays small.
/// </summary>
public sealed class ConversationMemory(ConversationHistory history, IOptions<ConversationMemoryOptions> options)
{
    public async Task<ConversationContext> LoadAsync(Guid conversationId, bool summarize, CancellationToken cancellationToken)
    {
        var turns = (await history.RecentAsync(conversationId, options.Value.LoadTurns, cancellationToken))
            .Select(m => new ConversationTurn(m.Role, m.Content))
            .ToList();
        return summarize ? Summarize(turns, options.Value) : new ConversationContext(null, turns);
    }

    /// <summary>Older turns become one line each (their first sentence, trimmed); the latest stay verbatim.</summary>
    public static ConversationContext Summarize(IReadOnlyList<ConversationTurn> turns, ConversationMemoryOptions options)
    {
        if (turns.Count <= options.VerbatimTurns)
            return new ConversationContext(null, turns);

        var older = turns.Take(turns.Count - options.VerbatimTurns);
        var lines = older.Select(t =>
        {
            var first = TextStatistics.Sentences(t.Content).FirstOrDefault() ?? t.Content;
            var text = first.Length > options.SummaryCharactersPerTurn ? first[..options.SummaryCharactersPerTurn] + "…" : first;
            return $"{(t.Role == ConversationHistory.UserRole ? "User asked" : "Assistant answered")}: {text}";
        });
        return new ConversationContext("Earlier in this conversation:\n" + string.Join("\n", lines), turns.Skip(turns.Count - options.VerbatimTurns).ToList());
    }
}
