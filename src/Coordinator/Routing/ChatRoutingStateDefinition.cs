using MassTransit;
using Pipeline.Platform.Bus;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Coordinator.Routing;

/// <summary>
/// The routing saga's endpoint: retry on optimistic-concurrency conflicts, the transactional outbox (saga row and the
/// commands it sends commit together; redeliveries are de-duplicated), and one-at-a-time processing per request.
/// </summary>
internal sealed class ChatRoutingStateDefinition : SagaDefinition<ChatRoutingState>
{
    private readonly RoutingOptions _options;

    public ChatRoutingStateDefinition(IOptions<RoutingOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.SagaEndpoint;
    }

    protected override void ConfigureSaga(
        IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<ChatRoutingState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(10, 25, 50, 100, 250, 500, 1000));
        endpointConfigurator.UseOutageRetry(context);
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);

        var partition = endpointConfigurator.CreatePartitioner(_options.PartitionCount);
        sagaConfigurator.Message<ChatRequested>(m => m.UsePartitioner(partition, c => c.Message.RequestId));
        sagaConfigurator.Message<ChatCompleted>(m => m.UsePartitioner(partition, c => c.Message.RequestId));
        sagaConfigurator.Message<ChatFailed>(m => m.UsePartitioner(partition, c => c.Message.RequestId));
        sagaConfigurator.Message<ChatDeadlinePassed>(m => m.UsePartitioner(partition, c => c.Message.RequestId));
    }
}
