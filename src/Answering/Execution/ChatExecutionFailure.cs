using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Answering.Execution;

/// <summary>Reports an execution that cannot produce an answer, so the saga can fall back or fail the caller now.</summary>
internal static class ChatExecutionFailure
{
    public const int InternalError = 500;
    public const int DeadlinePassed = 504;

    public static Task PublishAsync(ConsumeContext<ExecuteChat> context, int status, string title, string? detail,
        IReadOnlyList<string>? workflowSteps = null)
    {
        var command = context.Message;
        return context.Publish(new ChatFailed(command.RequestId, command.Pipeline, command.Execution.Shadow, command.Attempt, status, title, detail,
            command.Execution.ReplayId, command.Execution.Sample, workflowSteps));
    }
}
