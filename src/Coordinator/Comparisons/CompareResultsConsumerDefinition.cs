using MassTransit;
using Pipeline.Platform.Bus;
using Microsoft.Extensions.Options;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Coordinator.Comparisons;

/// <summary>
/// The comparator queue: sent to only, consumed in batches (one transaction per batch instead of per pair) and
/// retried. No consumer outbox: the consumer publishes through the bus outbox and idempotence comes from the
/// comparisons' unique key (see <see cref="CompareResultsConsumer"/>).
/// </summary>
public sealed class CompareResultsConsumerDefinition : ConsumerDefinition<CompareResultsConsumer>
{
    private readonly ComparisonOptions _options;

    public CompareResultsConsumerDefinition(IOptions<RoutingOptions> routing, IOptions<ComparisonOptions> options)
    {
        _options = options.Value;
        EndpointName = routing.Value.ComparatorEndpoint;
        ConcurrentMessageLimit = BatchConsumptionExtensions.InFlight(_options.BatchSize, _options.BatchConcurrency);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CompareResultsConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000, 5000));
        endpointConfigurator.UseOutageRetry(context);
        endpointConfigurator.ConsumeInBatches(consumerConfigurator, _options.BatchSize, _options.BatchWait, _options.BatchConcurrency);
    }
}
