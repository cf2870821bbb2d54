using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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
    private readonly List<OutboxMessage> _captured = [];
    private int _stored;

    public DbContextOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        TDbContext db, IDbContextTransaction transaction, InboxState inbox)
        : base(context, options, provider, inbox)
    {
        _db = db;
        _transaction = transaction;
    }

    public Guid TransactionId => _transaction.TransactionId;

    /// <summary>
    /// The inbox row's claim, held by this session since the row was inserted: when the consumer captured nothing,
    /// <see cref="SetConsumed"/> records the outbox delivered too and releases the claim in the same round trip.
    /// </summary>
    internal InboxClaim? Claim { get; init; }

    /// <summary>Whether <see cref="SetConsumed"/> released <see cref="Claim"/> (the outbox then delivered with the consume step).</summary>
    internal bool ClaimReleased { get; private set; }

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
        await SaveAsync(release);
        ClaimReleased = release is not null;
    }

    /// <summary>
    /// Stores the messages captured since the last save with the inbox row's changes, in one round trip, then the rest
    /// of the unit of work (the consumer's own rows, if any), in the step's transaction.
    /// </summary>
    public Task SaveAsync() => SaveAsync(null);

    private async Task SaveAsync(InboxClaim? release)
    {
        List<OutboxMessage> unstored;
        lock (_captured)
            unstored = _captured[_stored..];
        // Entry detects the row's changes (a redelivery's lock id and count) as SaveChanges would have.
        var inbox = _db.Entry(Inbox);
        var inboxChanged = inbox.State == EntityState.Modified;
        await OutboxMessageInserter.InsertAsync(_db, unstored, inboxChanged ? Inbox : null, release, CancellationToken);
        _stored += unstored.Count;
        if (inboxChanged)
        {
            // Saved: what it holds now is what the row holds. (Setting Unchanged alone would put the old values back.)
            inbox.OriginalValues.SetValues(inbox.CurrentValues);
            inbox.State = EntityState.Unchanged;
        }
        // Nothing else changed (a consumer without rows of its own): no round trip.
        await _db.SaveChangesWithoutSavepointAsync(CancellationToken);
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
