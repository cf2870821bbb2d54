using System.ComponentModel.DataAnnotations;

namespace Pipeline.Platform.Bus;

/// <summary>How to reach the RabbitMQ broker (<c>RabbitMq:*</c>).</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";

    [Required] public string Host { get; set; } = "127.0.0.1";
    [Range(1, 65535)] public int Port { get; set; } = 5672;
    [Required] public string VirtualHost { get; set; } = "/";
    [Required] public string Username { get; set; } = "";
    [Required] public string Password { get; set; } = "";
    [Range(1, 65535)] public int ManagementPort { get; set; } = 15672;

    /// <summary>
    /// Durable endpoints use quorum queues (replicated, fsync'd log) — what production wants. Off gives classic
    /// durable queues, which a single-node development broker confirms faster.
    /// </summary>
    public bool UseQuorumQueues { get; set; } = true;

    /// <summary>Messages a consumer may hold unacknowledged; bounds memory and fairness between instances.</summary>
    [Range(1, 10_000)] public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// How often a receive endpoint whose connection dropped tries the broker again, for as long as it is away.
    /// MassTransit's own schedule (3 s growing to 30 s, never reset) left consumers idle for up to half a minute after
    /// a broker restart; a failed attempt against a broker that is down costs one refused TCP connection.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The format this process writes (bus messages and outbox rows); it reads both whatever this says. The envelope
    /// by default: a release that reads only the envelope can run beside this one through a rolling deploy, and raw
    /// JSON measured no steadier throughput on a quiet machine (docs/benchmarks.md) to be worth a two-step upgrade.
    /// </summary>
    [EnumDataType(typeof(BusWireFormat))] public BusWireFormat WireFormat { get; set; } = BusWireFormat.Envelope;
}

/// <summary>How messages are written on the wire.</summary>
public enum BusWireFormat
{
    /// <summary>
    /// The message alone as JSON (<c>application/json</c>); its ids, addresses, message types and headers travel as
    /// transport headers. It carries what this system reads; it cost less CPU per message than the envelope on a busy
    /// machine, not steadily on a quiet one.
    /// </summary>
    RawJson,

    /// <summary>MassTransit's envelope (<c>application/vnd.masstransit+json</c>): ids, addresses and headers inside the body.</summary>
    Envelope,
}
