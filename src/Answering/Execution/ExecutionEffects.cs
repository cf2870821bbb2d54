using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Answering.Serving;
using Pipeline.EntityFrameworkOutbox;

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
        if (!await ServingClaims.TryServeAsync(db, command.RequestId, command.Attempt, now, Savepoint, cancellationToken))
            return false;

        db.Add(ChatRequestOutcome.Served(command, answer, now));

        history.Remember(command, answer);
        await cache.StoreAsync(command, answer, cancellationToken);
        await SaveAsync(cancellationToken);
        return true;
    }

    private const string Savepoint = "execution_effects";

    /// <summary>
    /// The effects saved as EF saves them inside a transaction, undone alone when the save fails so the consumer can
    /// still publish the failure in its transaction, but without EF's automatic savepoint: its <c>SAVEPOINT</c> and
    /// <c>RELEASE</c> are two round trips of their own (measured, two of a served request's ~27). The claim's round trip
    /// opens the savepoint instead, and nothing releases it: the transaction's end does.
    /// </summary>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        try
        {
            await db.SaveChangesWithoutSavepointAsync(cancellationToken);
        }
        catch
        {
            await RollBackToSavepointAsync();
            throw;
        }
    }

    /// <summary>Back to the savepoint after a failed save; like EF's own, a failure to get there leaves the save's exception to tell.</summary>
    private async Task RollBackToSavepointAsync()
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync("ROLLBACK TO SAVEPOINT " + Savepoint, CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
        }
    }
}
