using MassTransit;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// Runs each step of the core outbox pipe in a short transaction around the message's inbox row (inserted by the
/// first step, locked <c>FOR UPDATE</c> by the later ones and by redeliveries): consume, then deliver and finish,
/// until the pipe is done.
/// A redelivered duplicate finds the row consumed and delivered and is acknowledged without running the consumer.
/// </summary>
public sealed class EntityFrameworkOutboxContextFactory<TDbContext>(
    TDbContext db,
    IServiceProvider provider,
    IOptions<EntityFrameworkOutboxOptions<TDbContext>> options) : IOutboxContextFactory<TDbContext>
    where TDbContext : DbContext
{
    private string? _lockStatement;
    private string? _insertStatement;

    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions outboxOptions, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? throw new MessageException(typeof(T), "MessageId required to use the outbox");
        _lockStatement ??= OutboxLockStatements.InboxRow(db);
        _insertStatement ??= OutboxLockStatements.InsertInboxRow(db);

        // Nearly every message arrives once: its first step inserts the inbox row outright (one round trip instead of
        // a lock query that finds nothing and then an insert); the later steps, and redeliveries, lock the row.
        var firstStep = true;
        var continueProcessing = true;
        while (continueProcessing)
        {
            var strategy = db.Database.CreateExecutionStrategy();
            var insertFirst = firstStep;
            continueProcessing = await strategy.ExecuteAsync(() => ExecuteStepAsync(context, outboxOptions, next, messageId, insertFirst));
            firstStep = false;
        }
    }

    private async Task<InboxState?> InsertInboxRowAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken) =>
        (await db.Set<InboxState>()
            .FromSqlRaw(_insertStatement!, messageId, consumerId, NewId.NextGuid(), DateTime.UtcNow)
            .AsTracking()
            .ToListAsync(cancellationToken)).SingleOrDefault();

    private async Task<InboxState?> LockInboxRowAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken) =>
        (await db.Set<InboxState>()
            .FromSqlRaw(_lockStatement!, messageId, consumerId)
            .AsTracking()
            .ToListAsync(cancellationToken)).SingleOrDefault();

    public void Probe(ProbeContext context) => context.CreateFilterScope("outboxContextFactory").Add("provider", "pipeline-entityFrameworkCore");

    private async Task<bool> ExecuteStepAsync<T>(ConsumeContext<T> context, OutboxConsumeOptions outboxOptions, IPipe<OutboxConsumeContext<T>> next, Guid messageId,
        bool insertFirst)
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
                return true;
            }

            var outboxContext = new DbContextOutboxConsumeContext<TDbContext, T>(context, outboxOptions, provider, db, transaction, inbox);
            var deliveringNow = outboxContext is { IsMessageConsumed: true, IsOutboxDelivered: false };
            await next.Send(outboxContext);
            if (deliveringNow && outboxContext is { IsOutboxDelivered: true, ContinueProcessing: true })
            {
                // The pipe's closing step (remove the sent rows, acknowledge) goes in the transaction that marked the
                // outbox delivered instead of a third transaction of its own: a BEGIN, an inbox lock, a row update and
                // a COMMIT less per consumed message. Should this commit fail, a redelivery finds the outbox not
                // delivered and sends it again, as it would after a failed delivery step.
                await next.Send(outboxContext);
            }

            await db.SaveChangesWithoutSavepointAsync(context.CancellationToken);
            var continueProcessing = outboxContext.ContinueProcessing;

            await transaction.CommitAsync(context.CancellationToken);
            return continueProcessing;
        }
        catch
        {
            await transaction.RollBackQuietlyAsync();
            // The failed step's tracked changes must not leak into the retry's unit of work.
            db.ChangeTracker.Clear();
            throw;
        }
    }
}
