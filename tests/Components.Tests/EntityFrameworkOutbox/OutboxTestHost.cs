using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Platform.Bus;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A host on the real broker and database with the bus outbox, and a consumer endpoint behind the consumer outbox.</summary>
public static class OutboxTestHost
{
    public const string VisitsQueue = "outbox-test-visits";
    public const string RelaysQueue = "outbox-test-relays";

    /// <summary>MassTransit's own fault injection: the outbox fails a message's delivery on its first attempt.</summary>
    public const string FailDeliveryHeader = "MT-Fail-Delivery";

    public static async Task<IHost> StartAsync(IConfiguration configuration, Action<IServiceCollection>? services = null,
        Action<EntityFrameworkOutboxConfigurator>? outbox = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<Received>();
        builder.Services.AddPipelineDatabase(builder.Configuration);
        services?.Invoke(builder.Services);
        builder.Services.AddPipelineBus(builder.Configuration, bus =>
        {
            bus.AddEntityFrameworkOutbox<PipelineDbContext>(o =>
            {
                o.UseBusOutbox();
                o.QueryDelay = TimeSpan.FromSeconds(30);
                outbox?.Invoke(o);
            });
            bus.AddConsumer<RecordVisitConsumer>(typeof(RecordVisitConsumerDefinition));
            bus.AddConsumer<RelayVisitConsumer>(typeof(RelayVisitConsumerDefinition));
            bus.AddConsumer<ReceivedConsumer>();
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>Everything the observing consumer saw, by message type, with when it arrived (<see cref="Stopwatch"/> ticks).</summary>
    public sealed class Received
    {
        private readonly List<(object Message, long ArrivedAt)> _messages = [];

        public void Add(object message)
        {
            var arrivedAt = Stopwatch.GetTimestamp();
            lock (_messages)
                _messages.Add((message, arrivedAt));
        }

        public IReadOnlyList<T> Of<T>()
        {
            lock (_messages)
                return _messages.Select(m => m.Message).OfType<T>().ToList();
        }

        /// <summary>When the first message matching <paramref name="match"/> arrived, if it has.</summary>
        public long? ArrivedAt<T>(Func<T, bool> match)
        {
            lock (_messages)
                return _messages.Where(m => m.Message is T message && match(message)).Select(m => (long?)m.ArrivedAt).FirstOrDefault();
        }
    }

    /// <summary>Observes what reaches the broker.</summary>
    public sealed class ReceivedConsumer(Received received) : IConsumer<OrderPlaced>, IConsumer<VisitRecorded>
    {
        public Task Consume(ConsumeContext<OrderPlaced> context)
        {
            received.Add(context.Message);
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<VisitRecorded> context)
        {
            received.Add(context.Message);
            return Task.CompletedTask;
        }
    }

    /// <summary>Counts executions and publishes behind the consumer outbox; fails on request.</summary>
    public sealed class RecordVisitConsumer(Received received, PipelineDbContext db) : IConsumer<RecordVisit>
    {
        public async Task Consume(ConsumeContext<RecordVisit> context)
        {
            received.Add(context.Message);
            if (context.Message.ArchiveUnsaved)
            {
                db.Add(new ArchivedChatRequest
                {
                    RequestId = context.Message.VisitId, ConversationId = context.Message.VisitId, Message = "outbox test",
                    BucketingKey = "test", RequestedAt = DateTime.UtcNow,
                });
            }

            for (var echo = 0; echo < context.Message.Echoes; echo++)
                await context.Publish(new VisitRecorded(context.Message.VisitId, echo));
            if (context.Message.Fail)
                throw new InvalidOperationException("failing on purpose after publishing");
        }
    }

    /// <summary>The visits queue with the transactional outbox and no retries (failures go to the error queue).</summary>
    public sealed class RecordVisitConsumerDefinition : ConsumerDefinition<RecordVisitConsumer>
    {
        public RecordVisitConsumerDefinition() => EndpointName = VisitsQueue;

        protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RecordVisitConsumer> consumerConfigurator,
            IRegistrationContext context) =>
            endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
    }

    /// <summary>Publishes the visit behind the consumer outbox with delivery failing on the first attempt.</summary>
    public sealed class RelayVisitConsumer(Received received) : IConsumer<RelayVisit>
    {
        public async Task Consume(ConsumeContext<RelayVisit> context)
        {
            received.Add(context.Message);
            await context.Publish(new VisitRecorded(context.Message.VisitId), p => p.Headers.Set(FailDeliveryHeader, true));
        }
    }

    /// <summary>The relays queue: the transactional outbox behind one immediate retry.</summary>
    public sealed class RelayVisitConsumerDefinition : ConsumerDefinition<RelayVisitConsumer>
    {
        public RelayVisitConsumerDefinition() => EndpointName = RelaysQueue;

        protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RelayVisitConsumer> consumerConfigurator,
            IRegistrationContext context)
        {
            endpointConfigurator.UseMessageRetry(r => r.Immediate(1));
            endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
        }
    }
}
