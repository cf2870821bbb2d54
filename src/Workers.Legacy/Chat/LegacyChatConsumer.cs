using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Conversations;
using Pipeline.Infrastructure.Execution;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>Executes <see cref="ExecuteChat"/> for the legacy pipeline and reports the outcome to the saga.</summary>
public sealed partial class LegacyChatConsumer(
    LegacyChatHandler handler,
    ConversationHistory history,
    PipelineDbContext db,
    IBus bus,
    FaultInjection faults,
    IOptions<ExecutionOptions> options,
    TimeProvider time,
    ILogger<LegacyChatConsumer> logger) : IConsumer<ExecuteChat>
{
    public async Task Consume(ConsumeContext<ExecuteChat> context)
    {
        var command = context.Message;
        if (command.Deadline <= time.GetUtcNow().UtcDateTime)
        {
            // Nobody waits for this answer any more (e.g. a backlog after an outage): do not spend work on it.
            await ChatExecutionFailure.PublishAsync(context, ChatExecutionFailure.DeadlinePassed, "The deadline passed before execution.", null);
            return;
        }

        try
        {
            await faults.ApplyAsync(command, context.CancellationToken);
            var tokens = await CallerTokenStream.OpenAsync(bus, command);
            var answer = await handler.AnswerAsync(command, tokens, context.CancellationToken);
            await history.RememberAsync(command, answer, context.CancellationToken);
            await context.Publish(new ChatCompleted(command.RequestId, command.ConversationId, command.Pipeline, command.Shadow,
                command.Attempt, answer, tokens.Count, command.ReplayId, command.Sample));
            // History rows commit together with the outbox's ChatCompleted.
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && context.GetRetryAttempt() >= options.Value.Retries)
        {
            LogExecutionFailed(ex, command.RequestId);
            await ChatExecutionFailure.PublishAsync(context, ChatExecutionFailure.InternalError, "The legacy pipeline failed.", ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Legacy execution of request {RequestId} failed after retries")]
    private partial void LogExecutionFailed(Exception exception, Guid requestId);
}
