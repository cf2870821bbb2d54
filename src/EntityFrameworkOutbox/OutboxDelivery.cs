using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Delivers one committed bus outbox: its messages go out issued in order, confirmed together, and are removed after.
/// The process that committed it sends them from memory under the hold it marked the outbox with at its insert, and
/// removes them in one statement; any other deliverer, or the committing one once the hold has passed, claims the row
/// with <c>FOR UPDATE SKIP LOCKED</c> in a transaction of its own and reads the messages back. Either way no two
/// deliverers send the same outbox, save one whose holder outlived its hold before removing what it had sent.
/// </summary>
public sealed partial class OutboxDelivery<TDbContext>(
    IBus bus,
    IServiceScopeFactory scopes,
    IOptions<OutboxDeliveryServiceOptions> options,
    IOptions<EntityFrameworkOutboxOptions<TDbContext>> outboxOptions,
    TimeProvider time,
    ILogger<OutboxDelivery<TDbContext>> logger)
    where TDbContext : DbContext
{
    /// <summary>Delivers the oldest outbox nobody else holds; returns the messages sent, or -1 when none was left.</summary>
    public Task<int> DeliverOldestAsync(CancellationToken cancellationToken) =>
        DeliverAsync(OutboxLockStatements.NextOutbox, [time.GetUtcNow().UtcDateTime - outboxOptions.Value.OnCommitHold], cancellationToken);

    /// <summary>
    /// Delivers the whole outbox <paramref name="outboxId"/>, a transaction per <c>MessageDeliveryLimit</c> messages;
    /// returns the messages sent, 0 when it was already delivered or another deliverer holds it.
    /// </summary>
    public async Task<int> DeliverAsync(Guid outboxId, CancellationToken cancellationToken)
    {
        var total = 0;
        int sent;
        do
        {
            sent = await DeliverAsync(OutboxLockStatements.OutboxById, [outboxId], cancellationToken);
            total += Math.Max(0, sent);
        }
        // A full batch may have left more behind (the outbox row then stays, with its last sequence number).
        while (sent >= options.Value.MessageDeliveryLimit);

        return total;
    }

    /// <summary>
    /// Delivers a just-committed <paramref name="outbox"/> from <paramref name="messages"/>, the rows as its committing
    /// context holds them, without reading them back. Held by this process with time to spare for the sends: sends,
    /// then removes the outbox in one statement, one round trip in all. Otherwise claims like any deliverer (see
    /// <see cref="DeliverClaimedCommittedAsync"/>). Returns the messages sent, 0 when another deliverer holds the
    /// outbox or has delivered it already.
    /// </summary>
    public async Task<int> DeliverCommittedAsync(OutboxState outbox, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        // More than one delivery transaction takes (or nothing known) goes the way of rows read back, batch by batch.
        if (messages.Count == 0 || messages.Count > options.Value.MessageDeliveryLimit)
            return await DeliverAsync(outbox.OutboxId, cancellationToken);

        // Sends begun now end (confirmed or timed out) while the hold still keeps other deliverers away.
        var heldUntil = outbox.Created + outboxOptions.Value.OnCommitHold;
        if (outbox.LockId != Guid.Empty && time.GetUtcNow().UtcDateTime + options.Value.MessageDeliveryTimeout < heldUntil)
            return await DeliverHeldAsync(outbox.OutboxId, messages, cancellationToken);

        return await DeliverClaimedCommittedAsync(outbox.OutboxId, messages, cancellationToken);
    }

    private async Task<int> DeliverHeldAsync(Guid outboxId, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        try
        {
            await SendAllAsync(messages.OrderBy(m => m.SequenceNumber).ToList(), cancellationToken);
        }
        catch
        {
            await ReleaseQuietlyAsync(db, outboxId);
            throw;
        }

        // Should this fail, the rows stay held until the hold passes and are then sent again: at-least-once, as a crash
        // between a send and its removal always was; consumers' inboxes de-duplicate.
        await ExecuteAsync(db, OutboxLockStatements.RemoveOutbox(db), outboxId, cancellationToken);
        return messages.Count;
    }

    /// <summary>One statement on its own (its own implicit transaction), on a connection opened for it.</summary>
    private async Task<int> ExecuteAsync(TDbContext db, string statement, Guid outboxId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.QueryTimeout);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await db.Database.OpenConnectionAsync(timeout.Token);
            try
            {
                await using var command = db.Database.CreateNpgsqlCommand(statement);
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = outboxId });
                return await command.ExecuteNonQueryAsync(timeout.Token);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
    }

    /// <summary>Gives the hold up, so the delivery service may take the outbox now instead of when the hold passes.</summary>
    private async Task ReleaseQuietlyAsync(TDbContext db, Guid outboxId)
    {
        try
        {
            await ExecuteAsync(db, OutboxLockStatements.ReleaseOutbox(db), outboxId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogReleaseFailed(outboxId, ex);
        }
    }

    /// <summary>
    /// Claims and removes the outbox in one statement (claimed as every delivery does, so no other deliverer sends it
    /// while it is held), sends without reading the rows back, and commits the removal once the sends are confirmed:
    /// two round trips where a claim, a removal after the sends and a commit were three.
    /// </summary>
    private async Task<int> DeliverClaimedCommittedAsync(Guid outboxId, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var claimAndRemove = OutboxLockStatements.ClaimAndRemoveOutbox(db);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.QueryTimeout);
            await using var transaction = await db.Database.BeginTransactionAsync(outboxOptions.Value.IsolationLevel, timeout.Token);
            try
            {
                await using var command = db.Database.CreateNpgsqlCommand(claimAndRemove);
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = outboxId });
                // A plain command: once per delivered outbox, and EF's raw SQL path (parameter objects, SQL rewriting) adds nothing.
                if (await command.ExecuteNonQueryAsync(timeout.Token) == 0)
                {
                    // Held by another deliverer, or delivered already.
                    await transaction.CommitAsync(cancellationToken);
                    return 0;
                }

                // Should a send fail, the rollback puts the outbox back for the delivery service.
                await SendAllAsync(messages.OrderBy(m => m.SequenceNumber).ToList(), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return messages.Count;
            }
            catch
            {
                await transaction.RollBackQuietlyAsync();
                throw;
            }
        });
    }

    private Task<int> DeliverAsync(Func<DbContext, string> claimStatement, object[] parameters, CancellationToken cancellationToken) =>
        DeliverAsync(claimStatement, parameters, async (db, state, token) =>
        {
            // Claimed by its row lock; a part delivered and left (a large outbox) is held by nobody.
            state.LockId = Guid.Empty;
            var sent = await SendMessagesAsync(db, state, token);
            await db.SaveChangesWithoutSavepointAsync(token);
            return sent;
        }, cancellationToken);

    /// <summary>
    /// Claims an outbox row in a transaction of its own, lets <paramref name="deliverClaimed"/> send and remove what it
    /// holds, and commits; returns what that returned, or -1 when the claim found no row.
    /// </summary>
    private async Task<int> DeliverAsync(Func<DbContext, string> claimStatement, object[] parameters,
        Func<TDbContext, OutboxState, CancellationToken, Task<int>> deliverClaimed, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var claim = claimStatement(db);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(() => DeliverClaimedAsync(db, claim, parameters, deliverClaimed, cancellationToken));
    }

    private async Task<int> DeliverClaimedAsync(TDbContext db, string claim, object[] parameters,
        Func<TDbContext, OutboxState, CancellationToken, Task<int>> deliverClaimed, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.QueryTimeout);
        await using var transaction = await db.Database.BeginTransactionAsync(outboxOptions.Value.IsolationLevel, timeout.Token);
        try
        {
            var state = (await db.Set<OutboxState>().FromSqlRaw(claim, parameters).AsTracking().ToListAsync(timeout.Token)).SingleOrDefault();
            if (state is null)
            {
                await transaction.CommitAsync(cancellationToken);
                return -1;
            }

            var sent = await deliverClaimed(db, state, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return sent;
        }
        catch
        {
            await transaction.RollBackQuietlyAsync();
            throw;
        }
    }

    private async Task<int> SendMessagesAsync(TDbContext db, OutboxState state, CancellationToken cancellationToken)
    {
        var last = state.LastSequenceNumber ?? 0;
        var limit = options.Value.MessageDeliveryLimit;
        // Untracked, and removed below with one statement: tracking and deleting each row cost a DELETE per message.
        var messages = await db.Set<OutboxMessage>()
            .Where(m => m.OutboxId == state.OutboxId && m.SequenceNumber > last)
            .OrderBy(m => m.SequenceNumber)
            .Take(limit)
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        await SendAllAsync(messages, cancellationToken);
        if (messages.Count > 0)
        {
            var sentUpTo = messages[^1].SequenceNumber;
            state.LastSequenceNumber = sentUpTo;
            await db.Set<OutboxMessage>()
                .Where(m => m.OutboxId == state.OutboxId && m.SequenceNumber <= sentUpTo)
                .ExecuteDeleteAsync(cancellationToken);
        }

        if (messages.Count < limit)
        {
            // Everything of this outbox is out: it is finished.
            db.Remove(state);
        }

        return messages.Count;
    }

    /// <summary>
    /// Issued in sequence order and confirmed together: awaiting each broker confirm in turn cost a round trip per
    /// message, with the outbox's row locked all the while. One failed send fails them all (the transaction rolls back
    /// and the batch is sent again: at-least-once, as before; consumers' inboxes de-duplicate).
    /// </summary>
    private async Task SendAllAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var sends = new List<Task>(messages.Count);
        foreach (var message in messages)
        {
            // The headers and properties columns are this table's own JSON whatever the wire format; the body goes out
            // in the format it was stored in, chosen by the row's content type (an envelope row from before raw JSON
            // stays an envelope, which every instance reads).
            message.Deserialize(SystemTextJsonMessageSerializer.Instance);
            if (message.DestinationAddress is null)
                LogNoDestination(message.SequenceNumber, message.MessageId);
            else
                sends.Add(SendAsync(message, message.DestinationAddress, cancellationToken));
        }

        await Task.WhenAll(sends);
    }

    private async Task SendAsync(OutboxMessage message, Uri destination, CancellationToken cancellationToken)
    {
        using var sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        sendTimeout.CancelAfter(options.Value.MessageDeliveryTimeout);
        var endpoint = await bus.GetSendEndpoint(destination);
        // Sent before it is removed: a crash in between redelivers it (at-least-once); consumers' inboxes de-duplicate.
        await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, destination), sendTimeout.Token);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {OutboxId} failed on commit and stays held until its hold passes")]
    private partial void LogReleaseFailed(Guid outboxId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {SequenceNumber} ({MessageId}) has no destination and is dropped")]
    private partial void LogNoDestination(long sequenceNumber, Guid messageId);
}
