using MassTransit;
using Pipeline.Infrastructure.Bus;
using Microsoft.Extensions.Options;
using Pipeline.Infrastructure.Comparisons;
using Pipeline.Infrastructure.EntityFrameworkOutbox;
using Pipeline.Infrastructure.Persistence;
using Pipeline.Infrastructure.Routing;

namespace Pipeline.Workers.Comparator.Comparisons;

/// <summary>
/// The comparator queue: sent to only, consumed in batches (one transaction per batch instead of per pair),
/// retried, and published through the outbox. Idempotence comes from the comparisons' unique key.
/// </summary>
public sealed class CompareResultsConsumerDefinition : ConsumerDefinition<CompareResultsConsumer>
{
    private readonly ComparisonOptions _options;

    public CompareResultsConsumerDefinition(IOptions<RoutingOptions> routing, IOptions<ComparisonOptions> options)
    {
        _options = options.Value;
        EndpointName = routing.Value.ComparatorEndpoint;
        ConcurrentMessageLimit = _options.BatchSize * _options.BatchConcurrency;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CompareResultsConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.PrefetchCount = _options.BatchSize * _options.BatchConcurrency;
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000, 5000));
        endpointConfigurator.UseOutageRetry(context);
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.BatchSize)
            .SetTimeLimit(_options.BatchWait)
            .SetConcurrencyLimit(_options.BatchConcurrency));
    }
}
