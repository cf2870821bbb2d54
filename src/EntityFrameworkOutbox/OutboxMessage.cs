using MassTransit;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// A captured send or publish, stored until its transaction commits and then delivered (same shape as MassTransit's).
/// It belongs either to an inbox row (consumer outbox) or to an outbox state row (bus outbox).
/// </summary>
public sealed class OutboxMessage : OutboxMessageContext
{
    private Headers? _headers;
    private IReadOnlyDictionary<string, object>? _properties;

    public long SequenceNumber { get; set; }
    public DateTime? EnqueueTime { get; set; }
    public DateTime SentTime { get; set; }
    public string? Headers { get; set; }

    /// <summary>Transport properties (routing key and the like) as JSON.</summary>
    public string? Properties { get; set; }

    public Guid? InboxMessageId { get; set; }
    public Guid? InboxConsumerId { get; set; }
    public Guid? OutboxId { get; set; }
    public Guid MessageId { get; set; }
    public string ContentType { get; set; } = "";
    public string MessageType { get; set; } = "";
    public string Body { get; set; } = "";
    public Guid? ConversationId { get; set; }
    public Guid? CorrelationId { get; set; }
    public Guid? InitiatorId { get; set; }
    public Guid? RequestId { get; set; }
    public Uri? SourceAddress { get; set; }
    public Uri? DestinationAddress { get; set; }
    public Uri? ResponseAddress { get; set; }
    public Uri? FaultAddress { get; set; }
    public DateTime? ExpirationTime { get; set; }

    Guid? MessageContext.MessageId => MessageId;
    DateTime? MessageContext.SentTime => SentTime;
    Headers MessageContext.Headers => _headers ?? EmptyHeaders.Instance;
    HostInfo MessageContext.Host => HostMetadataCache.Host;
    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties => _properties ?? EmptyProperties;

    private static readonly IReadOnlyDictionary<string, object> EmptyProperties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Restores headers and transport properties before the message is sent again.</summary>
    public void Deserialize(IObjectDeserializer deserializer)
    {
        _headers = string.IsNullOrWhiteSpace(Headers)
            ? EmptyHeaders.Instance
            : deserializer.DeserializeObject<Dictionary<string, object?>>(Headers) is { Count: > 0 } headers
                ? new DictionarySendHeaders(headers)
                : EmptyHeaders.Instance;
        _properties = string.IsNullOrWhiteSpace(Properties)
            ? EmptyProperties
            : deserializer.DeserializeObject<Dictionary<string, object>>(Properties) ?? EmptyProperties;
    }
}
