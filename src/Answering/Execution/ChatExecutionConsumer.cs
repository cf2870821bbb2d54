using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;

using Pipeline.Platform.Bus;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.Answering.Execution;

/// <summary>
/// Executes <see cref="ExecuteChat"/> with one pipeline: skips work nobody waits for, streams tokens to the caller,
/// claims and serves the answer (its effects and the caller's <see cref="ChatServed"/>) and publishes the outcome
/// through the outbox; after the last retry a failure becomes <see cref="ChatFailed"/> so the saga can fall back or
/// fail the caller at once.
/// </summary>
public abstract partial class ChatExecutionConsumer(
    IChatPipeline pipeline,
    ExecutionEffects effects,
    IBus bus,
    FaultInjection faults,
    IOptions<ExecutionOptions> options,
    TimeProvider time,
    ILogger logger) : IConsumer<ExecuteChat>
{
    public async Task Consume(ConsumeContext<ExecuteChat> context)
    {
        var command = context.Message;
        Activity.Current?.SetTag(PipelineTelemetry.RequestIdTag, command.RequestId)
            .SetTag(PipelineTelemetry.PipelineTag, command.Pipeline.ToString().ToLowerInvariant())
            .SetTag(PipelineTelemetry.ShadowTag, command.Execution.Shadow)
            .SetTag(PipelineTelemetry.ReplayIdTag, command.Execution.ReplayId);
        if (command.Execution.Deadline <= time.GetUtcNow().UtcDateTime)
        {
            await ChatExecutionFailure.PublishAsync(context, ChatExecutionFailure.DeadlinePassed, "The deadline passed before execution.", null);
            return;
        }

        var steps = pipeline.StepsOn(command);
        try
        {
            var injected = await faults.ApplyAsync(command, context.CancellationToken);
            var tokens = await CallerTokenStream.OpenAsync(bus, command, options.Value.TokenPiecesPerMessageLimit);
            var answer = faults.Degrade(command, await pipeline.AnswerAsync(command, tokens, context, context.CancellationToken), steps);
            if (injected > TimeSpan.Zero)
                answer = answer with { DurationMs = answer.DurationMs + (long)injected.TotalMilliseconds };
            await tokens.FlushAsync(context.CancellationToken);
            // The caller hears the answer from here, in this transaction, rather than one more hop later from the
            // saga; the outbox sends in capture order, so the caller's message goes first.
            if (await effects.RecordAsync(command, answer, context.CancellationToken) && command.Caller?.Address is { } caller)
            {
                var endpoint = await context.GetSendEndpoint(caller);
                await endpoint.Send(new ChatServed(command.RequestId, command.ConversationId, command.Pipeline, command.Execution.Mode, command.Execution.Fallback,
                    command.Attempt, answer, tokens.Count), context.CancellationToken);
            }

            await context.Publish(new ChatCompleted(command.RequestId, command.ConversationId, command.Pipeline, command.Execution.Shadow,
                command.Attempt, answer, tokens.Count, command.Execution.ReplayId, command.Execution.Sample, steps));
        }
        // An outage is not the pipeline's failure: it propagates to the endpoint's outage retry instead of failing the request.
        catch (Exception ex) when (ex is not OperationCanceledException && !InfrastructureOutage.IsOutage(ex) && context.GetRetryAttempt() >= options.Value.Retries)
        {
            LogExecutionFailed(ex, command.Pipeline, command.RequestId);
            await ChatExecutionFailure.PublishAsync(context, ChatExecutionFailure.InternalError, $"The {command.Pipeline.ToString().ToLowerInvariant()} pipeline failed.", ex.Message, steps);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Pipeline} execution of request {RequestId} failed after retries")]
    private partial void LogExecutionFailed(Exception exception, ChatPipeline pipeline, Guid requestId);
}
