using MassTransit;
using Pipeline.Platform.Bus;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;

namespace Pipeline.Answering.Execution;

/// <summary>
/// A pipeline's execution queue: only sent to (no topology bindings), immediate retries, and the transactional
/// outbox with inbox de-duplication, so a redelivered command has one effect.
/// </summary>
public abstract class ChatExecutionConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly ExecutionOptions _execution;

    protected ChatExecutionConsumerDefinition(string endpointName, ExecutionOptions execution)
    {
        _execution = execution;
        EndpointName = endpointName;
        ConcurrentMessageLimit = execution.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseMessageRetry(r => r.Immediate(_execution.Retries));
        endpointConfigurator.UseOutageRetry(context);
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
    }
}
