using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Answering.Execution;

namespace Pipeline.Workers.Workflow.Chat;

/// <summary>Executes <c>ExecuteChat</c> for the workflow pipeline.</summary>
public sealed class WorkflowChatConsumer(
    WorkflowChatPipeline pipeline,
    ExecutionEffects effects,
    IBus bus,
    FaultInjection faults,
    IOptions<ExecutionOptions> options,
    TimeProvider time,
    ILogger<WorkflowChatConsumer> logger) : ChatExecutionConsumer(pipeline, effects, bus, faults, options, time, logger);
