using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Conversations;
using Pipeline.Infrastructure.Execution;
using Pipeline.Infrastructure.Persistence;
using Pipeline.Infrastructure.Routing;

namespace Pipeline.Workers.Workflow.Chat;

/// <summary>Executes <see cref="ExecuteChat"/> for the workflow pipeline and reports the outcome to the saga.</summary>
public sealed partial class WorkflowChatConsumer(
    WorkflowChatPipeline pipeline,
    ConversationHistory history,
    PipelineDbContext db,
    IBus bus,
    FaultInjection faults,
    IOptions<ExecutionOptions> options,
    IOptions<RoutingOptions> routing,
    TimeProvider time,
    ILogger<WorkflowChatConsumer> logger) : IConsumer<ExecuteChat>
{
    public async Task Consume(ConsumeContext<ExecuteChat> context)
    {
        var command = context.Message;
        if (command.Deadline <= time.GetUtcNow().UtcDateTime)
        {
            await ChatExecutionFailure.PublishAsync(context, ChatExecutionFailure.DeadlinePassed, "The deadline passed before execution.", null);
            return;
        }

        try
        {
            await faults.ApplyAsync(command, context.CancellationToken);
            var tokens = await CallerTokenStream.OpenAsync(bus, command);
            var comparator = await context.GetSendEndpoint(new Uri($"exchange:{routing.Value.ComparatorEndpoint}"));
            var answer = await pipeline.AnswerAsync(command, tokens, pair => comparator.Send(pair, context.CancellationToken), context.CancellationToken);
            await history.RememberAsync(command, answer, context.CancellationToken);
            await context.Publish(new ChatCompleted(command.RequestId, command.ConversationId, command.Pipeline, command.Shadow,
                command.Attempt, answer, tokens.Count, command.ReplayId, command.Sample));
            // History rows commit together with the outbox's ChatCompleted.
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && context.GetRetryAttempt() >= options.Value.Retries)
        {
            LogExecutionFailed(ex, command.RequestId);
            await ChatExecutionFailure.PublishAsync(context, ChatExecutionFailure.InternalError, "The workflow pipeline failed.", ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow execution of request {RequestId} failed after retries")]
    private partial void LogExecutionFailed(Exception exception, Guid requestId);
}
