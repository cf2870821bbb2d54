using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Answering.Execution;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>Executes <c>ExecuteChat</c> for the legacy pipeline.</summary>
public sealed class LegacyChatConsumer(
    LegacyChatHandler handler,
    ExecutionEffects effects,
    IBus bus,
    FaultInjection faults,
    IOptions<ExecutionOptions> options,
    TimeProvider time,
    ILogger<LegacyChatConsumer> logger) : ChatExecutionConsumer(handler, effects, bus, faults, options, time, logger);
