using MassTransit;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Runs each step of the core outbox pipe in a short transaction around the message's inbox row (inserted by the
/// first step, locked <c>FOR UPDATE</c> by the later ones and by redeliveries): consume, then deliver and finish,
/// until the pipe is done. A message consumed here for the first time has its captured messages delivered from memory
/// right after the consume step commits, under the row's <see cref="InboxClaim"/> instead of a second transaction
/// that locks the row and loads them back.
/// A redelivered duplicate finds the row consumed and delivered and is acknowledged without running the consumer.
/// </summary>
public sealed class EntityFrameworkOutboxContextFactory<TDbContext>(
    TDbContext db,
    IServiceProvider provider,
    IOptions<EntityFrameworkOutboxOptions<TDbContext>> options) : IOutboxContextFactory<TDbContext>
    where TDbContext : DbContext
{
    private InboxClaim _claim;
    private bool _claimHeld;

    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions outboxOptions, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? throw new MessageException(typeof(T), "MessageId required to use the outbox");
        _claim = InboxClaim.For(messageId, outboxOptions.ConsumerId);

        // Open for the whole message: the claim is a session lock, taken in the consume step and kept past its commit
        // until the delivery from memory has finished.
        await db.Database.OpenConnectionAsync(context.CancellationToken);
        try
        {
            // Nearly every message arrives once: its first step inserts the inbox row outright (one round trip instead
            // of a lock query that finds nothing and then an insert); the later steps, and redeliveries, lock the row.
            var firstStep = true;
            var continueProcessing = true;
            while (continueProcessing)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                var insertFirst = firstStep;
                var step = await strategy.ExecuteAsync(() => ExecuteStepAsync(context, outboxOptions, next, messageId, insertFirst));
                continueProcessing = step is { Consumed: { } consumed, Captured: { } captured }
                    ? await DeliverCommittedAsync(context, outboxOptions, next, consumed, captured)
                    : step.ContinueProcessing;
                firstStep = false;
            }
        }
        finally
        {
            await ReleaseClaimQuietlyAsync();
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Inserts the inbox row of a first receipt with its claim and tracks it as a query would have; null when the row
    /// exists. A plain command rather than an EF query: this runs once per consumed message, and a new row's columns are
    /// the values sent plus its generated id, so EF's query pipeline (cache lookup, materializer) had nothing to add.
    /// </summary>
    private async Task<InboxState?> InsertInboxRowAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken)
    {
        var inbox = new InboxState
        {
            MessageId = messageId,
            ConsumerId = consumerId,
            LockId = NewId.NextGuid(),
            // As the row stores it (microseconds), so the tracked copy and the row agree.
            Received = TruncateToMicroseconds(DateTime.UtcNow),
            ReceiveCount = 1,
        };
        await using var command = db.Database.CreateNpgsqlCommand(OutboxLockStatements.InsertInboxRow(db));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = inbox.MessageId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = inbox.ConsumerId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = inbox.LockId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = inbox.Received });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _claim.Space });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _claim.Key });
        // Held from the moment the statement is sent: should the call fail after the server took the lock (a consume
        // cancelled mid-reply), the release in Send's finally must still run, or the lock would stay with the pooled
        // connection and a redelivery would wait on it. Releasing a lock not held only makes the server warn.
        _claimHeld = true;
        if (await command.ExecuteScalarAsync(cancellationToken) is not long id)
        {
            // The row was there: the statement took no lock.
            _claimHeld = false;
            return null;
        }

        inbox.Id = id;
        db.Attach(inbox);
        return inbox;
    }

    private static DateTime TruncateToMicroseconds(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMicrosecond, time.Kind);

    private async Task<InboxState?> LockInboxRowAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken) =>
        (await db.Set<InboxState>()
            .FromSqlRaw(OutboxLockStatements.InboxRow(db), messageId, consumerId, _claim.Space, _claim.Key)
            .AsTracking()
            .ToListAsync(cancellationToken)).SingleOrDefault();

    public void Probe(ProbeContext context) => context.CreateFilterScope("outboxContextFactory").Add("provider", "pipeline-entityFrameworkCore");

    private async Task<StepOutcome> ExecuteStepAsync<T>(ConsumeContext<T> context, OutboxConsumeOptions outboxOptions, IPipe<OutboxConsumeContext<T>> next,
        Guid messageId, bool insertFirst)
        where T : class
    {
        // Each step must see the inbox row as committed now: a concurrent duplicate may have advanced it, and EF would
        // otherwise hand back the instance it still tracks from the previous step.
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(options.Value.IsolationLevel, context.CancellationToken);
        try
        {
            // Inserted just now, the row is ours and locked until commit, so consuming goes on in this transaction.
            var inbox = insertFirst ? await InsertInboxRowAsync(messageId, outboxOptions.ConsumerId, context.CancellationToken) : null;
            if (inbox is null && await LockInboxRowAsync(messageId, outboxOptions.ConsumerId, context.CancellationToken) is { } locked)
            {
                // Written with the step's final save: the row is locked until commit, so writing it now would only
                // cost a round trip (a failed step rolls it back either way).
                locked.LockId = NewId.NextGuid();
                locked.ReceiveCount++;
                inbox = locked;
            }

            // Not there after all (removed by the cleanup since): a first receipt again.
            inbox ??= await InsertInboxRowAsync(messageId, outboxOptions.ConsumerId, context.CancellationToken);
            if (inbox is null)
            {
                // A concurrent duplicate inserted the row in between: go round again and lock theirs.
                await transaction.RollBackQuietlyAsync();
                return StepOutcome.Again;
            }

            var outboxContext = new DbContextOutboxConsumeContext<TDbContext, T>(context, outboxOptions, provider, db, transaction, inbox)
            {
                Claim = _claimHeld ? _claim : null,
            };
            var consumingNow = !outboxContext.IsMessageConsumed;
            var deliveringNow = outboxContext is { IsMessageConsumed: true, IsOutboxDelivered: false };
            await next.Send(outboxContext);
            // Captured nothing: the claim went with the consume step's statements and the outbox is recorded delivered.
            var deliveredWithConsume = outboxContext.ClaimReleased;
            if (deliveredWithConsume)
                _claimHeld = false;
            if (deliveringNow && outboxContext is { IsOutboxDelivered: true, ContinueProcessing: true })
            {
                // The pipe's closing step (remove the sent rows, acknowledge) goes in the transaction that marked the
                // outbox delivered instead of a third transaction of its own: a BEGIN, an inbox lock, a row update and
                // a COMMIT less per consumed message. Should this commit fail, a redelivery finds the outbox not
                // delivered and sends it again, as it would after a failed delivery step.
                await next.Send(outboxContext);
            }

            // Consumed with the COMMIT in the step's last batch (see SetConsumed): nothing left to save or commit, and
            // the transaction is over as far as Npgsql knows (it reads the server's idle status), so disposing it
            // sends no rollback.
            if (!outboxContext.Committed)
            {
                await outboxContext.SaveAsync();
                await transaction.CommitAsync(context.CancellationToken);
            }

            // Consumed under a claim of our own (only an insert takes one, and a consumed message's claim is released
            // before the next step): what it captured is committed and still in memory, and nobody else can deliver
            // it before the claim is released.
            return (_claimHeld || deliveredWithConsume) && consumingNow && outboxContext is { IsMessageConsumed: true, ContinueProcessing: true }
                ? new StepOutcome(true, inbox, outboxContext.Captured)
                : new StepOutcome(outboxContext.ContinueProcessing, null, null);
        }
        catch
        {
            await transaction.RollBackQuietlyAsync();
            // The failed step's tracked changes must not leak into the retry's unit of work.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>
    /// Sends what the consume step captured, straight from memory, then records it and releases the claim in one
    /// round trip. Should anything here fail, the message is retried: its inbox row is consumed and not delivered, so
    /// the locked path delivers the committed rows (consumers de-duplicate the messages sent twice).
    /// </summary>
    private async Task<bool> DeliverCommittedAsync<T>(ConsumeContext<T> context, OutboxConsumeOptions outboxOptions, IPipe<OutboxConsumeContext<T>> next,
        InboxState inbox, IReadOnlyList<OutboxMessage> captured)
        where T : class
    {
        var delivery = new CommittedOutboxConsumeContext<T>(context, outboxOptions, provider, inbox, captured);
        // Recorded delivered by the consume step itself (nothing captured), its claim released: only the pipe's closing
        // step is left, and nothing to write.
        var recorded = delivery.IsOutboxDelivered;
        await next.Send(delivery);
        if (recorded)
            return delivery.ContinueProcessing;
        if (delivery is { IsOutboxDelivered: true, ContinueProcessing: true })
            await next.Send(delivery);

        // One batch, one implicit transaction: the delivered mark (or how far it got), the sent rows' removal once all
        // are sent, the claim's release.
        await using var batch = db.Database.CreateNpgsqlBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(OutboxLockStatements.RecordInboxProgress(db))
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = inbox.MessageId },
                new NpgsqlParameter<Guid> { TypedValue = inbox.ConsumerId },
                // Typed: either may be null (part delivered; nothing captured).
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)delivery.Delivered ?? DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)delivery.LastSequenceNumber ?? DBNull.Value },
            },
        });
        if (delivery.IsOutboxDelivered)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(OutboxLockStatements.RemoveInboxMessages(db))
            {
                Parameters = { new NpgsqlParameter<Guid> { TypedValue = inbox.MessageId }, new NpgsqlParameter<Guid> { TypedValue = inbox.ConsumerId } },
            });
        }

        batch.BatchCommands.Add(OutboxLockStatements.ReleaseInboxClaim(_claim));
        await batch.ExecuteNonQueryAsync(context.CancellationToken);
        _claimHeld = false;
        return delivery.ContinueProcessing;
    }

    private async Task ReleaseClaimQuietlyAsync()
    {
        if (!_claimHeld)
            return;
        _claimHeld = false;
        try
        {
            await using var batch = db.Database.CreateNpgsqlBatch();
            batch.BatchCommands.Add(OutboxLockStatements.ReleaseInboxClaim(_claim));
            await batch.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // A connection that cannot run this is broken, and the server releases a broken session's locks.
        }
    }

    /// <summary>
    /// What a step left: whether the pipe goes on, and, when it consumed the message under its own claim, the inbox row
    /// and the messages to deliver from memory.
    /// </summary>
    private readonly record struct StepOutcome(bool ContinueProcessing, InboxState? Consumed, IReadOnlyList<OutboxMessage>? Captured)
    {
        public static StepOutcome Again => new(true, null, null);
    }
}
