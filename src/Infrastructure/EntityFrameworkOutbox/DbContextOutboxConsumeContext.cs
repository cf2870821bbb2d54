using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// The consume context the core outbox pipe works with: reads and writes the message's inbox row, captures sends and
/// publishes as outbox rows, and loads them back for delivery once the consumer's transaction has committed.
/// </summary>
public sealed class DbContextOutboxConsumeContext<TDbContext, TMessage> : OutboxConsumeContextProxy<TMessage>, IDbTransactionPayload
    where TDbContext : DbContext
    where TMessage : class
{
    private readonly TDbContext _db;
    private readonly InboxState _inbox;
    private readonly IDbContextTransaction _transaction;
    private readonly List<OutboxMessage> _captured = [];

    public DbContextOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        TDbContext db, IDbContextTransaction transaction, InboxState inbox)
        : base(context, options, provider)
    {
        _db = db;
        _transaction = transaction;
        _inbox = inbox;
    }

    public override Guid? MessageId => _inbox.MessageId;
    public override bool ContinueProcessing { get; set; } = true;
    public override bool IsMessageConsumed => _inbox.Consumed.HasValue;
    public override bool IsOutboxDelivered => _inbox.Delivered.HasValue;
    public override int ReceiveCount => _inbox.ReceiveCount;
    public override long? LastSequenceNumber => _inbox.LastSequenceNumber;

    public Guid TransactionId => _transaction.TransactionId;

    public override async Task SetConsumed()
    {
        _inbox.Consumed = DateTime.UtcNow;
        _db.Update(_inbox);
        await _db.SaveChangesWithoutSavepointAsync(CancellationToken);
    }

    public override Task SetDelivered()
    {
        // Saved with the step's final save, in the same transaction and as one statement with the lock and the last
        // sequence number: nothing between here and that save reads the row.
        _inbox.Delivered = DateTime.UtcNow;
        _db.Update(_inbox);
        return Task.CompletedTask;
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
        foreach (var message in messages)
            message.Deserialize(SerializerContext);
        return messages.Cast<OutboxMessageContext>().ToList();
    }

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message)
    {
        _inbox.LastSequenceNumber = message.SequenceNumber;
        _db.Update(_inbox);
        return Task.CompletedTask;
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
        var message = _db.Set<OutboxMessage>().AddSend(context, SerializerContext, MessageId, ConsumerId);
        // Concurrent publishes from one consumer share the list.
        lock (_captured)
            _captured.Add(message);
        return Task.CompletedTask;
    }
}
