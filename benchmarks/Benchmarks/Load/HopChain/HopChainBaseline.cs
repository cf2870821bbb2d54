using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Platform.Bus;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Testing;

namespace Pipeline.Benchmarks.Load.HopChain;

/// <summary>
/// Baselines between the raw bus and the pipeline: the messages of a request (see <see cref="HopShape"/>) between
/// trivial consumers on the pipeline's quorum queues with confirmed sends, at three levels of <see cref="HopDurability"/>, so the pipeline's cost splits into the bus's hops, their durability, and
/// everything else: the saga's row, the pipeline's work, its claims, history, archive and cache rows.
/// </summary>
public static class HopChainBaseline
{
    /// <summary>The answer's size: a served answer with its sources and citations is 1.7 KB of JSON on average under load.</summary>
    public const int AnswerBytes = 2048;

    public static readonly string Answer = new('a', AnswerBytes);

    private const string QueuePrefix = "benchmark-hop-";

    public static string QueueName(string name) => QueuePrefix + name;

    /// <summary>Where a hop's queue is sent to (the router's by publish, the others only by send, as in the pipeline).</summary>
    public static Uri QueueAddress(string name) => new($"exchange:{QueueName(name)}");

    /// <summary>
    /// Starts the chain in a host of its own, warms it up, measures it, stops it; <paramref name="measuredCpu"/> hears the
    /// process CPU the measured part took (far less sensitive to a busy machine than requests/s) and, where the machine
    /// tells, its split between the process and the servers.
    /// </summary>
    public static async Task<LoadResult> RunAsync(IReadOnlyDictionary<string, string?> settings, HopShape shape, HopDurability durability, int clients, TimeSpan warmup, TimeSpan duration,
        Action<TimeSpan, CpuSplit?>? measuredCpu = null)
    {
        var waiters = new ConcurrentDictionary<Guid, TaskCompletionSource>();
        var instance = BusServiceCollectionExtensions.InstanceEndpointName("hops");
        var caller = new Uri($"exchange:{instance}?durable=false&autodelete=true");
        var durable = durability != HopDurability.None;
        var host = await TestHosts.StartBusWorkerAsync(WithBusSetting(settings), builder =>
        {
            builder.Services.AddSingleton<HopCompletions>();
            if (durable)
                builder.Services.AddPipelineDatabase(builder.Configuration);
            builder.Services.AddPipelineBus(builder.Configuration, bus =>
            {
                if (durable)
                {
                    bus.AddEntityFrameworkOutbox<PipelineDbContext>(o => o.UseBusOutbox());
                    bus.AddConfigureEndpointsCallback((context, _, endpoint) => endpoint.UseEntityFrameworkOutbox<PipelineDbContext>(context));
                }

                bus.AddConsumer<HopRouter>().Endpoint(e => e.Name = QueueName(HopRouter.Queue));
                bus.AddConsumer<HopExecutor>().Endpoint(SentToOnly(HopExecutor.Queue));
                bus.AddConsumer<HopShadowExecutor>().Endpoint(SentToOnly(HopShadowExecutor.Queue));
                bus.AddConsumer<HopComparator>().Endpoint(SentToOnly(HopComparator.Queue));
            }, (_, cfg) => cfg.ReceiveInstanceEndpoint(instance, e =>
            {
                e.Handler<HopRouted>(_ => Task.CompletedTask);
                e.Handler<HopServed>(context =>
                {
                    if (waiters.TryRemove(context.Message.Id, out var waiter))
                        waiter.TrySetResult();
                    return Task.CompletedTask;
                });
            }));
        });
        try
        {
            var request = durability == HopDurability.CallerAndConsumers ? RequestThroughOutboxAsync(host.Services) : RequestDirectly(host.Services);
            await MeasureAsync(request, waiters, caller, shape, clients, warmup);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var machine = CpuSplit.Take();
            var run = await MeasureAsync(request, waiters, caller, shape, clients, duration);
            measuredCpu?.Invoke(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu, CpuSplit.Take()?.Since(machine!));
            return run;
        }
        finally
        {
            await TestHosts.StopQuietlyAsync(host);
            host.Dispose();
        }
    }

    /// <summary>
    /// A bus setting to compare against the pipeline's own, named by <c>HOPS_BUS_SETTING</c>, so two runs of one build
    /// can alternate: <c>raw-json</c> (MassTransit's raw JSON on the wire instead of the envelope).
    /// </summary>
    private static IReadOnlyDictionary<string, string?> WithBusSetting(IReadOnlyDictionary<string, string?> settings)
    {
        switch (Environment.GetEnvironmentVariable("HOPS_BUS_SETTING"))
        {
            case null or "":
                return settings;
            case "raw-json":
                return new Dictionary<string, string?>(settings) { ["RabbitMq:WireFormat"] = nameof(BusWireFormat.RawJson) };
            case var unknown:
                throw new InvalidOperationException($"Unknown HOPS_BUS_SETTING '{unknown}'.");
        }
    }

    private static Action<IEndpointRegistrationConfigurator> SentToOnly(string queue) => e =>
    {
        e.Name = QueueName(queue);
        e.ConfigureConsumeTopology = false;
    };

    /// <summary>As the API without the outbox: publish and let the broker confirm.</summary>
    private static Func<HopRequested, Task> RequestDirectly(IServiceProvider services)
    {
        var bus = services.GetRequiredService<IBus>();
        return message => bus.Publish(message);
    }

    /// <summary>As the API: the request goes into the bus outbox and is delivered when the transaction commits.</summary>
    private static Func<HopRequested, Task> RequestThroughOutboxAsync(IServiceProvider services) => async message =>
    {
        await using var scope = services.CreateAsyncScope();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        await publish.Publish(message);
        await db.SaveChangesAsync();
    };

    private static Task<LoadResult> MeasureAsync(
        Func<HopRequested, Task> request, ConcurrentDictionary<Guid, TaskCompletionSource> waiters, Uri caller, HopShape shape, int clients, TimeSpan duration) =>
        ClosedLoop.RunAsync(clients, duration, "hops", async () =>
        {
            var id = NewId.NextGuid();
            var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters[id] = served;
            await request(new HopRequested(id, caller, "Cos'è il GDPR?", shape));
            var ok = await Task.WhenAny(served.Task, Task.Delay(Timeout)) == served.Task;
            waiters.TryRemove(id, out _);
            return (id, ok);
        });

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
}
