using Pipeline.Contracts;
using Pipeline.Answering.Conversations;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Answering.Serving;

namespace Pipeline.Answering.Execution;

/// <summary>
/// What a served answer leaves behind — the attempt's serving claim, the caller's answer (fetchable by request id),
/// conversation history and a semantic-cache entry —
/// written in the execution's own transaction with its <c>ChatCompleted</c>. Shadow and replayed executions leave
/// nothing, and neither does an attempt the saga already gave up on (a workflow answer after its deadline).
/// </summary>
public sealed class ExecutionEffects(ConversationHistory history, SemanticAnswerCache cache, PipelineDbContext db, TimeProvider time)
{
    /// <returns>True when this execution serves the caller: it claimed its attempt before the saga abandoned it.</returns>
    public async Task<bool> RecordAsync(ExecuteChat command, ChatAnswer answer, CancellationToken cancellationToken)
    {
        if (!ConversationHistory.MayRemember(command))
            return false;
        var now = time.GetUtcNow().UtcDateTime;
        if (!await ServingClaims.TryServeAsync(db, command.RequestId, command.Attempt, now, cancellationToken))
            return false;

        db.Add(ChatRequestOutcome.Served(command, answer, now));

        history.Remember(command, answer);
        await cache.StoreAsync(command, answer, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
