using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// The consume context for delivering, from memory, the messages a consume step captured and has just committed:
/// the core outbox pipe sends them as it would have loaded them back, and the progress it records is written in one
/// statement afterwards (<see cref="OutboxLockStatements.CompleteInboxClaim"/>), under the inbox row's
/// <see cref="InboxClaim"/> rather than in a transaction of its own.
/// </summary>
public sealed class CommittedOutboxConsumeContext<TMessage> : OutboxConsumeContextProxy<TMessage>
    where TMessage : class
{
    private readonly InboxState _inbox;
    private readonly IReadOnlyList<OutboxMessage> _committed;

    public CommittedOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        InboxState inbox, IReadOnlyList<OutboxMessage> committed)
        : base(context, options, provider)
    {
        _inbox = inbox;
        _committed = committed;
    }

    public override Guid? MessageId => _inbox.MessageId;
    public override bool ContinueProcessing { get; set; } = true;
    public override bool IsMessageConsumed => _inbox.Consumed.HasValue;
    public override bool IsOutboxDelivered => _inbox.Delivered.HasValue;
    public override int ReceiveCount => _inbox.ReceiveCount;
    public override long? LastSequenceNumber => _inbox.LastSequenceNumber;

    /// <summary>When the outbox was delivered whole; null while messages remain.</summary>
    public DateTime? Delivered => _inbox.Delivered;

    public override Task SetConsumed() =>
        throw new InvalidOperationException("A committed outbox is delivered after its message was consumed, never consumed again.");

    public override Task SetDelivered()
    {
        _inbox.Delivered = DateTime.UtcNow;
        return Task.CompletedTask;
    }

    public override Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        // What the database would return for this inbox row: the rows its committed step inserted, in sequence, past
        // the last one delivered, one more than a delivery takes.
        var last = LastSequenceNumber ?? 0;
        var messages = _committed
            .Where(m => m.SequenceNumber > last)
            .OrderBy(m => m.SequenceNumber)
            .Take(Options.MessageDeliveryLimit + 1)
            .ToList();
        foreach (var message in messages)
            message.Deserialize(SerializerContext);
        return Task.FromResult(messages.Cast<OutboxMessageContext>().ToList());
    }

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message)
    {
        _inbox.LastSequenceNumber = message.SequenceNumber;
        return Task.CompletedTask;
    }

    // Removed by the statement that finishes the delivery, together with the inbox row's delivered mark.
    public override Task RemoveOutboxMessages() => Task.CompletedTask;

    public override Task AddSend<T>(SendContext<T> context) =>
        throw new InvalidOperationException("Delivering a committed outbox captures no new messages.");
}
