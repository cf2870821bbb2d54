using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Infrastructure.EntityFrameworkOutbox;
using Pipeline.Infrastructure.Persistence;
using Pipeline.Infrastructure.Routing;

namespace Pipeline.Workers.Comparator.Comparisons;

/// <summary>The comparator queue: sent to only, retried, de-duplicated (inbox) and published through the outbox.</summary>
public sealed class CompareResultsConsumerDefinition : ConsumerDefinition<CompareResultsConsumer>
{
    public CompareResultsConsumerDefinition(IOptions<RoutingOptions> routing)
    {
        EndpointName = routing.Value.ComparatorEndpoint;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CompareResultsConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000, 5000));
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
    }
}
