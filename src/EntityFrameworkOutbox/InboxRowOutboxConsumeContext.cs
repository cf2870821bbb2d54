using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// An outbox consume context whose state is one message's inbox row: the core outbox pipe's view of whether the message
/// was consumed and how far its outbox was delivered, read from and recorded on <see cref="Inbox"/>.
/// </summary>
public abstract class InboxRowOutboxConsumeContext<TMessage>(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
    InboxState inbox) : OutboxConsumeContextProxy<TMessage>(context, options, provider)
    where TMessage : class
{
    /// <summary>The message's inbox row.</summary>
    protected InboxState Inbox { get; } = inbox;

    public override Guid? MessageId => Inbox.MessageId;
    public override bool ContinueProcessing { get; set; } = true;
    public override bool IsMessageConsumed => Inbox.Consumed.HasValue;
    public override bool IsOutboxDelivered => Inbox.Delivered.HasValue;
    public override int ReceiveCount => Inbox.ReceiveCount;
    public override long? LastSequenceNumber => Inbox.LastSequenceNumber;

    public override Task SetDelivered()
    {
        Inbox.Delivered = DateTime.UtcNow;
        return Task.CompletedTask;
    }

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message)
    {
        Inbox.LastSequenceNumber = message.SequenceNumber;
        return Task.CompletedTask;
    }

    /// <summary>Readies loaded or captured messages to be sent again: headers and transport properties restored.</summary>
    protected List<OutboxMessageContext> ReadyToSend(List<OutboxMessage> messages)
    {
        foreach (var message in messages)
            message.Deserialize(SerializerContext);
        return messages.Cast<OutboxMessageContext>().ToList();
    }
}
