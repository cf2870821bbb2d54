using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Infrastructure.EntityFrameworkOutbox;
using Pipeline.Infrastructure.Execution;
using Pipeline.Infrastructure.Persistence;
using Pipeline.Infrastructure.Routing;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>The legacy queue: only sent to (no topology bindings), retried, de-duplicated and published through the outbox.</summary>
public sealed class LegacyChatConsumerDefinition : ConsumerDefinition<LegacyChatConsumer>
{
    private readonly ExecutionOptions _execution;

    public LegacyChatConsumerDefinition(IOptions<RoutingOptions> routing, IOptions<ExecutionOptions> execution)
    {
        _execution = execution.Value;
        EndpointName = routing.Value.LegacyEndpoint;
        ConcurrentMessageLimit = _execution.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LegacyChatConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseMessageRetry(r => r.Immediate(_execution.Retries));
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
    }
}
