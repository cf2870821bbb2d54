using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Platform.Bus;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Platform.Bus;

/// <summary>A probe published by the tests; with <paramref name="Relay"/> its consumer publishes a <see cref="WireRelayed"/>.</summary>
public sealed record WireProbe(Guid Id, bool Relay = false, WireColour Colour = WireColour.Blue);

/// <summary>An enum on the probe: the bus writes enums as their names (<c>PipelineJson.ConfigureBus</c>).</summary>
public enum WireColour { Red, Blue }

/// <summary>What the probe's consumer publishes from behind the consumer outbox; the same shape as the probe on purpose.</summary>
public sealed record WireRelayed(Guid Id);

/// <summary>
/// Raw JSON on the wire with a rolling deploy in mind: messages and outbox rows written as MassTransit's envelope (by
/// an instance of the previous release) are still read, and a raw JSON hop keeps what the envelope carried.
/// </summary>
public sealed class WireFormatTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>, IAsyncLifetime
{
    private const string ProbeQueue = "wire-format-probe";
    private const string Header = "Pipeline-Test";
    private const string EnvelopeContentType = "application/vnd.masstransit+json";
    private const string RawJsonContentType = "application/json";

    private IHost _host = null!;

    public async Task InitializeAsync() => _host = await StartAsync(BusWireFormat.RawJson, withConsumer: true);

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private Heard Probes => _host.Services.GetRequiredService<Heard>();

    [Fact]
    public async Task The_default_wire_format_is_raw_json_and_a_hop_keeps_ids_headers_and_message_type()
    {
        var id = Guid.NewGuid();
        var conversation = Guid.NewGuid();
        await _host.Services.GetRequiredService<IBus>().Publish(new WireProbe(id, Relay: true), context =>
        {
            context.CorrelationId = id;
            context.ConversationId = conversation;
            context.Headers.Set(Header, "kept");
        });

        await Eventually.TrueAsync(() => Task.FromResult(Probes.Of<WireRelayed>(id) is not null), because: "the relayed message should arrive");
        var probe = Probes.Of<WireProbe>(id)!;
        Assert.Equal(RawJsonContentType, probe.ContentType);
        Assert.NotNull(probe.MessageId);
        Assert.Equal(id, probe.CorrelationId);
        Assert.Equal(conversation, probe.ConversationId);
        Assert.Equal("kept", probe.Header);
        Assert.Equal([MessageUrn.ForTypeString<WireProbe>()], probe.MessageTypes);
        Assert.Equal("Blue", JsonDocument.Parse(probe.Body).RootElement.GetProperty("colour").GetString());

        // Sent from behind the consumer outbox: stored as a row, then delivered from it.
        var relayed = Probes.Of<WireRelayed>(id)!;
        Assert.Equal(RawJsonContentType, relayed.ContentType);
        Assert.NotEqual(probe.MessageId, relayed.MessageId);
        Assert.Equal(conversation, relayed.ConversationId);
        Assert.Equal(id, relayed.InitiatorId);
        Assert.Equal("kept", relayed.Header);
        Assert.Equal([MessageUrn.ForTypeString<WireRelayed>()], relayed.MessageTypes);

        // Both types share one endpoint and one shape: each consumer heard only what was sent as its type.
        Assert.Equal(1, Probes.Count(id));
        Assert.Equal(1, Probes.Count(id, relayedOnes: true));
    }

    [Fact]
    public async Task A_publish_through_the_bus_outbox_is_stored_and_delivered_as_raw_json()
    {
        var id = Guid.NewGuid();
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new WireProbe(id), context =>
            {
                context.CorrelationId = id;
                context.Headers.Set(Header, "kept");
            });
            await scope.ServiceProvider.GetRequiredService<PipelineDbContext>().SaveChangesAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Probes.Of<WireProbe>(id) is not null), because: "the bus outbox should deliver it");
        var probe = Probes.Of<WireProbe>(id)!;
        Assert.Equal(RawJsonContentType, probe.ContentType);
        Assert.Equal(id, probe.CorrelationId);
        Assert.Equal("kept", probe.Header);
        Assert.Equal([MessageUrn.ForTypeString<WireProbe>()], probe.MessageTypes);
    }

    [Fact]
    public async Task An_envelope_from_an_instance_of_the_previous_release_is_consumed_with_its_ids_and_headers()
    {
        using var previous = await StartAsync(BusWireFormat.Envelope, withConsumer: false);
        var id = Guid.NewGuid();
        await previous.Services.GetRequiredService<IBus>().Publish(new WireProbe(id, Relay: true), context =>
        {
            context.CorrelationId = id;
            context.Headers.Set(Header, "kept");
        });

        await Eventually.TrueAsync(() => Task.FromResult(Probes.Of<WireRelayed>(id) is not null), because: "the envelope should be consumed and relayed");
        var probe = Probes.Of<WireProbe>(id)!;
        Assert.Equal(EnvelopeContentType, probe.ContentType);
        Assert.Equal(id, probe.CorrelationId);
        Assert.Equal("kept", probe.Header);
        Assert.Equal(RawJsonContentType, Probes.Of<WireRelayed>(id)!.ContentType);
        await previous.StopAsync();
    }

    [Fact]
    public async Task A_process_set_to_the_envelope_writes_the_envelope_for_instances_that_read_nothing_else()
    {
        using var previous = await StartAsync(BusWireFormat.Envelope, withConsumer: false);
        var id = Guid.NewGuid();

        await using (var scope = previous.Services.CreateAsyncScope())
        {
            // Through its bus outbox: the stored row keeps the envelope and is delivered as one.
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new WireProbe(id));
            await scope.ServiceProvider.GetRequiredService<PipelineDbContext>().SaveChangesAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Probes.Of<WireProbe>(id) is not null));
        Assert.Equal(EnvelopeContentType, Probes.Of<WireProbe>(id)!.ContentType);
        await previous.StopAsync();
    }

    [Fact]
    public async Task An_outbox_row_stored_as_an_envelope_before_the_upgrade_is_delivered_as_stored()
    {
        var id = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var outboxId = NewId.NextGuid();
        var destination = new Uri($"exchange:{ProbeQueue}");

        // The row as the previous release's bus outbox stored it: MassTransit's envelope as the body, its content type beside it.
        var body = JsonSerializer.Serialize(new
        {
            messageId, correlationId = id, conversationId = messageId, destinationAddress = destination,
            messageType = new[] { MessageUrn.ForTypeString<WireProbe>() }, message = new { id, relay = false },
            sentTime = DateTime.UtcNow, headers = new Dictionary<string, string> { [Header] = "kept" }, host = new { machineName = "previous" },
        });
        await using (var db = infrastructure.CreateDbContext())
        {
            // No holder: the previous release inserted its rows with an empty lock id (a holder's id now holds a row for its process).
            db.Add(new OutboxState { OutboxId = outboxId, LockId = Guid.Empty, Created = DateTime.UtcNow });
            db.Add(new OutboxMessage
            {
                OutboxId = outboxId, MessageId = messageId, CorrelationId = id, ConversationId = messageId, SentTime = DateTime.UtcNow,
                DestinationAddress = destination, ContentType = EnvelopeContentType, MessageType = MessageUrn.ForTypeString<WireProbe>(),
                Body = body, Headers = $$"""{"{{Header}}":"kept"}""",
            });
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Probes.Of<WireProbe>(id) is not null), because: "the stored envelope should be delivered");
        var probe = Probes.Of<WireProbe>(id)!;
        Assert.Equal(EnvelopeContentType, probe.ContentType);
        Assert.Equal(messageId, probe.MessageId);
        Assert.Equal("kept", probe.Header);
    }

    /// <summary>A host with the bus outbox; with a consumer, the probe's endpoint behind the consumer outbox.</summary>
    private async Task<IHost> StartAsync(BusWireFormat format, bool withConsumer)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddConfiguration(infrastructure.Configuration(new Dictionary<string, string?> { ["RabbitMq:WireFormat"] = format.ToString() }));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<Heard>();
        builder.Services.AddPipelineDatabase(builder.Configuration);
        builder.Services.AddPipelineBus(builder.Configuration, bus =>
        {
            bus.AddEntityFrameworkOutbox<PipelineDbContext>(o =>
            {
                o.UseBusOutbox();
                // Rows stored by hand wake no delivery: a short poll finds them.
                o.QueryDelay = TimeSpan.FromMilliseconds(100);
                if (!withConsumer)
                    o.DisableInboxCleanupService();
            });
            if (withConsumer)
            {
                bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = ProbeQueue);
                bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
                {
                    if (name == ProbeQueue)
                        endpoint.UseEntityFrameworkOutbox<PipelineDbContext>(context);
                });
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>What a consumer saw of a message besides its body.</summary>
    public sealed record Seen(string? ContentType, Guid? MessageId, Guid? CorrelationId, Guid? ConversationId, Guid? InitiatorId, string? Header, string[] MessageTypes,
        string Body);

    /// <summary>Everything the probe's consumer heard, by type and probe id.</summary>
    public sealed class Heard
    {
        private readonly ConcurrentQueue<(Type Type, Guid Id, Seen Seen)> _seen = new();

        public void Add<T>(ConsumeContext<T> context, Guid id) where T : class =>
            _seen.Enqueue((typeof(T), id, new Seen(context.ReceiveContext.ContentType?.MediaType, context.MessageId, context.CorrelationId,
                context.ConversationId, context.InitiatorId, context.Headers.Get<string>(Header), context.SupportedMessageTypes.ToArray(),
                context.ReceiveContext.Body.GetString())));

        public Seen? Of<T>(Guid id) => _seen.Where(s => s.Type == typeof(T) && s.Id == id).Select(s => s.Seen).FirstOrDefault();

        public int Count(Guid id, bool relayedOnes = false) =>
            _seen.Count(s => s.Id == id && s.Type == (relayedOnes ? typeof(WireRelayed) : typeof(WireProbe)));
    }

    public sealed class ProbeConsumer(Heard heard) : IConsumer<WireProbe>, IConsumer<WireRelayed>
    {
        public async Task Consume(ConsumeContext<WireProbe> context)
        {
            heard.Add(context, context.Message.Id);
            if (context.Message.Relay)
                await context.Publish(new WireRelayed(context.Message.Id));
        }

        public Task Consume(ConsumeContext<WireRelayed> context)
        {
            heard.Add(context, context.Message.Id);
            return Task.CompletedTask;
        }
    }
}
