using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Infrastructure.EntityFrameworkOutbox;
using Pipeline.Infrastructure.Execution;
using Pipeline.Infrastructure.Persistence;
using Pipeline.Infrastructure.Routing;

namespace Pipeline.Workers.Workflow.Chat;

/// <summary>The workflow queue: only sent to, retried, de-duplicated and published through the outbox.</summary>
public sealed class WorkflowChatConsumerDefinition : ConsumerDefinition<WorkflowChatConsumer>
{
    private readonly ExecutionOptions _execution;

    public WorkflowChatConsumerDefinition(IOptions<RoutingOptions> routing, IOptions<ExecutionOptions> execution)
    {
        _execution = execution.Value;
        EndpointName = routing.Value.WorkflowEndpoint;
        ConcurrentMessageLimit = _execution.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<WorkflowChatConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseMessageRetry(r => r.Immediate(_execution.Retries));
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
    }
}
