using MassTransit;
using MassTransit.Context;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Turns a captured <see cref="SendContext{T}"/> into an <see cref="OutboxMessage"/> row.</summary>
internal static class OutboxMessageWriter
{
    /// <summary>The row, added to the unit of work and returned.</summary>
    public static OutboxMessage AddSend<T>(this DbSet<OutboxMessage> messages, SendContext<T> context, IObjectDeserializer serializer,
        Guid? inboxMessageId = null, Guid? inboxConsumerId = null, Guid? outboxId = null)
        where T : class
    {
        var message = Capture(context, serializer, inboxMessageId, inboxConsumerId, outboxId);
        // Concurrent publishes from one consumer share the set.
        lock (messages)
            messages.Add(message);
        return message;
    }

    /// <summary>The row, for the caller to store.</summary>
    public static OutboxMessage Capture<T>(SendContext<T> context, IObjectDeserializer serializer,
        Guid? inboxMessageId = null, Guid? inboxConsumerId = null, Guid? outboxId = null)
        where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "The SendContext MessageId must be present");

        var now = DateTime.UtcNow;
        var message = new OutboxMessage
        {
            MessageId = messageId,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = context.DestinationAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = context.SentTime ?? now,
            // Per row: delivery sends the body in this format, so rows written before a change of wire format still go out.
            ContentType = context.ContentType?.ToString() ?? context.Serialization.DefaultContentType.ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            InboxMessageId = inboxMessageId,
            InboxConsumerId = inboxConsumerId,
            OutboxId = outboxId,
            Headers = serializer.SerializeDictionary(context.Headers.GetAll()),
        };
        if (context.TimeToLive is { } ttl)
            message.ExpirationTime = now + ttl;
        if (context.Delay is { } delay)
            message.EnqueueTime = now + delay;
        if (context is TransportSendContext<T> transport)
        {
            var properties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(properties);
            message.Properties = serializer.SerializeDictionary(properties);
        }

        return message;
    }
}
