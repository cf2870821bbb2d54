using Pipeline.Contracts;
using Pipeline.Infrastructure.Conversations;
using Pipeline.Infrastructure.Persistence;
using Pipeline.Infrastructure.SemanticCache;

namespace Pipeline.Infrastructure.Execution;

/// <summary>
/// What a served answer leaves behind — conversation history and a semantic-cache entry — written in the execution's
/// own transaction with its <c>ChatCompleted</c>. Shadow and replayed executions leave nothing.
/// </summary>
public sealed class ExecutionEffects(ConversationHistory history, SemanticAnswerCache cache, PipelineDbContext db)
{
    public async Task RecordAsync(ExecuteChat command, ChatAnswer answer, CancellationToken cancellationToken)
    {
        await history.RememberAsync(command, answer, cancellationToken);
        await cache.StoreAsync(command, answer, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
