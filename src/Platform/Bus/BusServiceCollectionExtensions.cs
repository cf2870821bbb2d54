using System.Reflection;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Hosting;
using Pipeline.Platform.Serialization;

namespace Pipeline.Platform.Bus;

/// <summary>One bus configuration for every host: RabbitMQ, quorum queues, confirmed publishes, string enums.</summary>
public static class BusServiceCollectionExtensions
{
    /// <summary>Prefix of per-process, temporary endpoints (no quorum: they die with their process).</summary>
    public const string InstanceEndpointPrefix = "instance-";

    public static IServiceCollection AddPipelineBus(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<IBusRegistrationConfigurator> registerConsumers,
        params Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>[] configureBus)
    {
        services.AddValidatedOptions<RabbitMqOptions>(configuration, RabbitMqOptions.SectionName);
        services.AddValidatedOptions<OutageRetryOptions>(configuration, OutageRetryOptions.SectionName);

        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            registerConsumers(x);

            // Durable endpoints get quorum queues so a broker node loss keeps their messages.
            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                var quorum = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value.UseQuorumQueues;
                if (quorum && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && !name.StartsWith(InstanceEndpointPrefix, StringComparison.Ordinal))
                    rabbit.SetQuorumQueue();
            });

            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                    h.PublisherConfirmation = true;
                });
                ReconnectReceiveEndpointsEvery(cfg, rabbit.ReconnectInterval, context.GetRequiredService<BusStopSignal>());
                cfg.PrefetchCount = rabbit.PrefetchCount;
                cfg.ConfigureJsonSerializerOptions(PipelineJson.ConfigureBus);
                UseWireFormat(cfg, rabbit.WireFormat);
                foreach (var configure in configureBus)
                    configure(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        services.AddSingleton<BusStopSignal>();
        services.RemoveMassTransitHostedService();
        services.AddHostedService<BusLifetimeService>();
        return services;
    }

    /// <summary>
    /// What the bus writes and reads. Both formats are always read, chosen by each message's content type, so that
    /// instances of two releases side by side understand each other, and outbox rows and error-queue messages written
    /// before an upgrade are still delivered (a row keeps its content type and is sent on as it was stored).
    /// Raw JSON adds the message's ids, addresses and message types as transport headers (a polymorphic consumer
    /// still receives only what was sent as its type) and carries a consumed message's own headers on to what its
    /// consumer sends, as the envelope does. Both serializers share MassTransit's JSON options, so
    /// <see cref="PipelineJson.ConfigureBus"/>'s converters apply to either.
    /// </summary>
    public static void UseWireFormat(IBusFactoryConfigurator cfg, BusWireFormat format)
    {
        var raw = new SystemTextJsonRawMessageSerializerFactory(RawWireOptions);
        cfg.AddSerializer(raw, isSerializer: format == BusWireFormat.RawJson);
        // Not the default deserializer: a message without a content type is one from before raw JSON, an envelope.
        cfg.AddDeserializer(raw, isDefault: false);
    }

    /// <summary>Transport headers for ids, addresses and message types; a consumed message's headers copied onwards.</summary>
    public const RawSerializerOptions RawWireOptions = RawSerializerOptions.AddTransportHeaders | RawSerializerOptions.CopyHeaders;

    /// <summary>
    /// A per-process queue that disappears with its process: for events every process must see (flag changes) or
    /// that only this process may see (its callers' tokens).
    /// </summary>
    public static void ReceiveInstanceEndpoint(this IRabbitMqBusFactoryConfigurator cfg, string name, Action<IRabbitMqReceiveEndpointConfigurator> configure)
    {
        if (!name.StartsWith(InstanceEndpointPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"Instance endpoint names start with '{InstanceEndpointPrefix}'.", nameof(name));

        cfg.ReceiveEndpoint(name, endpoint =>
        {
            endpoint.Durable = false;
            endpoint.AutoDelete = true;
            configure(endpoint);
        });
    }

    /// <summary>
    /// A per-process queue that outlives a broker restart: durable (its messages too), deleted by the broker once no
    /// consumer has used it for <paramref name="expiry"/>, so a departed process's queue still goes away. For events
    /// that only this process may see and must not lose (its callers' answers): a non-durable queue vanishes with the
    /// broker's restart, and whatever is sent to it before the process re-declares it is dropped.
    /// The queue's own exchange is durable and auto-deleted: it goes when the expired queue's binding goes. Senders
    /// address it with <see cref="DurableInstanceExchange"/>, whose flags must equal these.
    /// </summary>
    public static void ReceiveDurableInstanceEndpoint(
        this IRabbitMqBusFactoryConfigurator cfg, string name, TimeSpan expiry, Action<IRabbitMqReceiveEndpointConfigurator> configure)
    {
        if (!name.StartsWith(InstanceEndpointPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"Instance endpoint names start with '{InstanceEndpointPrefix}'.", nameof(name));

        cfg.ReceiveEndpoint(name, endpoint =>
        {
            endpoint.Durable = true;
            // With an expiry MassTransit declares the queue itself without auto-delete (which would delete it, and what
            // waits in it, whenever the connection drops) and keeps auto-delete for the exchange.
            endpoint.AutoDelete = true;
            endpoint.QueueExpiration = expiry;
            configure(endpoint);
        });
    }

    /// <summary>The send address of a <see cref="ReceiveDurableInstanceEndpoint"/>: its exchange, declared with the same flags.</summary>
    public static Uri DurableInstanceExchange(string name) => new($"exchange:{name}?durable=true&autodelete=true");

    /// <summary>
    /// MassTransit restarts a receive endpoint whose connection failed on an exponential schedule fixed in its RabbitMQ
    /// host configuration (3 s growing to 30 s, never reset after a reconnect, no public setting): after a broker
    /// restart of 10 s consumers stayed idle for 12 s more, and the bus stays unhealthy (new requests refused, outbox
    /// delivery paused) until the last endpoint is back. This keeps MassTransit's own judgement of which failures are
    /// worth retrying and only replaces the schedule with a fixed interval, retried for as long as the broker is away.
    /// It reaches a private field: if a MassTransit upgrade moves it, every host fails at start instead of quietly
    /// reconnecting slowly again. Once the host stops the bus, the next failure is final (<see cref="BusLifetimeService"/>).
    /// </summary>
    private static void ReconnectReceiveEndpointsEvery(IRabbitMqBusFactoryConfigurator cfg, TimeSpan interval, BusStopSignal stop)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic;
        var host = cfg.GetType().GetField("_hostConfiguration", Instance)?.GetValue(cfg);
        var policy = host?.GetType().GetField("<ReceiveTransportRetryPolicy>k__BackingField", Instance);
        if (policy?.GetValue(host) is not IRetryPolicy original)
            throw new InvalidOperationException("MassTransit's receive-endpoint reconnect policy is no longer where this version expects it; see ReconnectReceiveEndpointsEvery.");

        policy.SetValue(host, Retry.CreatePolicy(x =>
        {
            x.Handle<Exception>(ex => !stop.IsStopping && original.IsHandled(ex));
            // Incremental with no increment computes each delay as it goes (an interval list of this length would not).
            x.Incremental(int.MaxValue, interval, TimeSpan.Zero);
        }));
    }

    /// <summary>A unique instance endpoint name for <paramref name="purpose"/> in this process.</summary>
    public static string InstanceEndpointName(string purpose) =>
        $"{InstanceEndpointPrefix}{purpose}-{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid():N}";
}
