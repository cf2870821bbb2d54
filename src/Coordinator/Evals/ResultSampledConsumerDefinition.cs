using MassTransit;
using Pipeline.Platform.Bus;
using Microsoft.Extensions.Options;
using Pipeline.Evaluation.Evals;

namespace Pipeline.Coordinator.Evals;

/// <summary>
/// The eval queue, subscribed to <c>ResultSampled</c>: consumed in batches, retried (a judge or the database may
/// hiccup). No consumer outbox: the consumer publishes through the bus outbox and idempotence comes from the evals'
/// unique key (see <see cref="ResultSampledConsumer"/>).
/// </summary>
public sealed class ResultSampledConsumerDefinition : ConsumerDefinition<ResultSampledConsumer>
{
    private readonly EvalOptions _options;

    public ResultSampledConsumerDefinition(IOptions<EvalOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.Endpoint;
        ConcurrentMessageLimit = BatchConsumptionExtensions.InFlight(_options.BatchSize, _options.BatchConcurrency);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ResultSampledConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000, 5000));
        endpointConfigurator.UseOutageRetry(context);
        endpointConfigurator.ConsumeInBatches(consumerConfigurator, _options.BatchSize, _options.BatchWait, _options.BatchConcurrency);
    }
}
