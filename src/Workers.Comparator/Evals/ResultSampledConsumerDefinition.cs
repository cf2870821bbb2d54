using MassTransit;
using Pipeline.Infrastructure.Bus;
using Microsoft.Extensions.Options;
using Pipeline.Infrastructure.EntityFrameworkOutbox;
using Pipeline.Infrastructure.Evals;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Workers.Comparator.Evals;

/// <summary>
/// The eval queue, subscribed to <c>ResultSampled</c>: retried (a judge or the database may hiccup), published through
/// the outbox. Idempotence comes from the evals' unique key.
/// </summary>
public sealed class ResultSampledConsumerDefinition : ConsumerDefinition<ResultSampledConsumer>
{
    public ResultSampledConsumerDefinition(IOptions<EvalOptions> options)
    {
        EndpointName = options.Value.Endpoint;
        ConcurrentMessageLimit = options.Value.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ResultSampledConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000, 5000));
        endpointConfigurator.UseOutageRetry(context);
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
    }
}
