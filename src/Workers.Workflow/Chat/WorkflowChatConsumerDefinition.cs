using Microsoft.Extensions.Options;
using Pipeline.Answering.Execution;
using Pipeline.Platform.Routing;

namespace Pipeline.Workers.Workflow.Chat;

/// <summary>The workflow queue.</summary>
public sealed class WorkflowChatConsumerDefinition(IOptions<RoutingOptions> routing, IOptions<ExecutionOptions> execution)
    : ChatExecutionConsumerDefinition<WorkflowChatConsumer>(routing.Value.WorkflowEndpoint, execution.Value);
