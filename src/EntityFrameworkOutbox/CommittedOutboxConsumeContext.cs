using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// The consume context for delivering, from memory, the messages a consume step captured and has just committed:
/// the core outbox pipe sends them as it would have loaded them back, and the progress it records is written in one
/// statement afterwards (<see cref="OutboxLockStatements.RecordInboxProgress"/>), under the inbox row's
/// <see cref="InboxClaim"/> rather than in a transaction of its own.
/// </summary>
public sealed class CommittedOutboxConsumeContext<TMessage>(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
    InboxState inbox, IReadOnlyList<OutboxMessage> committed) : InboxRowOutboxConsumeContext<TMessage>(context, options, provider, inbox)
    where TMessage : class
{
    /// <summary>When the outbox was delivered whole; null while messages remain.</summary>
    public DateTime? Delivered => Inbox.Delivered;

    public override Task SetConsumed() =>
        throw new InvalidOperationException("A committed outbox is delivered after its message was consumed, never consumed again.");

    public override Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        // What the database would return for this inbox row: the rows its committed step inserted, in sequence, past
        // the last one delivered, one more than a delivery takes.
        var last = LastSequenceNumber ?? 0;
        var messages = committed
            .Where(m => m.SequenceNumber > last)
            .OrderBy(m => m.SequenceNumber)
            .Take(Options.MessageDeliveryLimit + 1)
            .ToList();
        return Task.FromResult(ReadyToSend(messages));
    }

    // Removed by the statement that finishes the delivery, together with the inbox row's delivered mark.
    public override Task RemoveOutboxMessages() => Task.CompletedTask;

    public override Task AddSend<T>(SendContext<T> context) =>
        throw new InvalidOperationException("Delivering a committed outbox captures no new messages.");
}
