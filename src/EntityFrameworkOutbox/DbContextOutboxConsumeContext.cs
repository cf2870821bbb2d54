using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// The consume context the core outbox pipe works with: reads and writes the message's inbox row, captures sends and
/// publishes as outbox rows (stored with the step's save), and loads them back for delivery once the consumer's
/// transaction has committed.
/// </summary>
public sealed class DbContextOutboxConsumeContext<TDbContext, TMessage> : InboxRowOutboxConsumeContext<TMessage>, IDbTransactionPayload
    where TDbContext : DbContext
    where TMessage : class
{
    private readonly TDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly IServiceProvider _provider;
    private readonly List<OutboxMessage> _captured = [];
    private int _stored;

    public DbContextOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        TDbContext db, IDbContextTransaction transaction, InboxState inbox)
        : base(context, options, provider, inbox)
    {
        _db = db;
        _transaction = transaction;
        _provider = provider;
    }

    public Guid TransactionId => _transaction.TransactionId;

    /// <summary>
    /// The inbox row's claim, held by this session since the row was inserted: when the consumer captured nothing,
    /// <see cref="SetConsumed"/> records the outbox delivered too and releases the claim in the same round trip.
    /// </summary>
    internal InboxClaim? Claim { get; init; }

    /// <summary>Whether <see cref="SetConsumed"/> released <see cref="Claim"/> (the outbox then delivered with the consume step).</summary>
    internal bool ClaimReleased { get; private set; }

    /// <summary>
    /// Whether <see cref="SetConsumed"/> committed the step's transaction with its last statements: the step then has
    /// nothing left to save or commit.
    /// </summary>
    internal bool Committed { get; private set; }

    public override async Task SetConsumed()
    {
        Inbox.Consumed = DateTime.UtcNow;
        bool nothingCaptured;
        lock (_captured)
            nothingCaptured = _captured.Count == 0;
        // Nothing to send after the commit: the outbox is delivered as it commits, so no delivery afterwards has to
        // record it. The claim (standing for the row after the commit) can go now: until the commit the row lock
        // holds a duplicate off, after it the duplicate finds the row consumed and delivered; were this step to roll
        // back, the row would go with it and the duplicate would insert its own.
        var release = nothingCaptured ? Claim : null;
        if (release is not null)
            Inbox.Delivered = Inbox.Consumed;
        _db.Update(Inbox);
        // The consume step's last statements (the core outbox pipe returns once the message is consumed): unless the
        // consumer left rows of its own for this save, its COMMIT rides in the same batch instead of a round trip of
        // its own after it. Nothing is acknowledged or sent before this returns, so the promise is the same: the sends
        // follow the commit, a failed batch commits nothing and the step rolls back.
        var commit = !HasUnsavedRowsBesideInbox();
        await SaveAsync(release, commit);
        ClaimReleased = release is not null;
        if (commit)
        {
            Committed = true;
            // EF saw no commit: whatever the transaction's bus outboxes hold is deliverable now all the same.
            _provider.GetService<OutboxTransactionCommitInterceptor>()?.CommittedInBatch(_db);
        }
    }

    /// <summary>
    /// Stores the messages captured since the last save with the inbox row's changes, in one round trip, then the rest
    /// of the unit of work (the consumer's own rows, if any), in the step's transaction.
    /// </summary>
    public Task SaveAsync() => SaveAsync(null, commit: false);

    private async Task SaveAsync(InboxClaim? release, bool commit)
    {
        List<OutboxMessage> unstored;
        lock (_captured)
            unstored = _captured[_stored..];
        // Entry detects the row's changes (a redelivery's lock id and count) as SaveChanges would have.
        var inbox = _db.Entry(Inbox);
        var inboxChanged = inbox.State == EntityState.Modified;
        await OutboxMessageInserter.InsertAsync(_db, unstored, inboxChanged ? Inbox : null, release, commit, CancellationToken);
        _stored += unstored.Count;
        if (inboxChanged)
        {
            // Saved: what it holds now is what the row holds. (Setting Unchanged alone would put the old values back.)
            inbox.OriginalValues.SetValues(inbox.CurrentValues);
            inbox.State = EntityState.Unchanged;
        }
        // Nothing else changed (a consumer without rows of its own): no round trip. (Committed already, nothing did.)
        if (!commit)
            await _db.SaveChangesWithoutSavepointAsync(CancellationToken);
    }

    /// <summary>Whether the change tracker holds anything to save besides the inbox row (detecting changes as a save would).</summary>
    private bool HasUnsavedRowsBesideInbox()
    {
        foreach (var entry in _db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && !ReferenceEquals(entry.Entity, Inbox))
                return true;
        }

        return false;
    }

    public override async Task SetDelivered()
    {
        // Saved with the step's final save, in the same transaction and as one statement with the lock and the last
        // sequence number: nothing between here and that save reads the row.
        await base.SetDelivered();
        _db.Update(Inbox);
    }

    public override async Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        var last = LastSequenceNumber ?? 0;
        var messages = await _db.Set<OutboxMessage>()
            .Where(m => m.InboxMessageId == MessageId && m.InboxConsumerId == ConsumerId && m.SequenceNumber > last)
            .OrderBy(m => m.SequenceNumber)
            .Take(Options.MessageDeliveryLimit + 1)
            .AsNoTracking()
            .ToListAsync(CancellationToken);
        return ReadyToSend(messages);
    }

    public override async Task NotifyOutboxMessageDelivered(OutboxMessageContext message)
    {
        await base.NotifyOutboxMessageDelivered(message);
        _db.Update(Inbox);
    }

    public override async Task RemoveOutboxMessages()
    {
        await _db.Set<OutboxMessage>()
            .Where(m => m.InboxMessageId == MessageId && m.InboxConsumerId == ConsumerId)
            .ExecuteDeleteAsync(CancellationToken);
    }

    /// <summary>The messages this step captured, for delivery from memory once it has committed.</summary>
    public IReadOnlyList<OutboxMessage> Captured
    {
        get
        {
            lock (_captured)
                return _captured.ToList();
        }
    }

    public override Task AddSend<T>(SendContext<T> context)
    {
        // Stored by the step's save, not through the change tracker (see OutboxMessageInserter).
        var message = OutboxMessageWriter.Capture(context, SerializerContext, MessageId, ConsumerId);
        // Concurrent publishes from one consumer share the list.
        lock (_captured)
            _captured.Add(message);
        return Task.CompletedTask;
    }
}
