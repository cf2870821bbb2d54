using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Infrastructure.Execution;

/// <summary>One pipeline's way of answering an <see cref="ExecuteChat"/>, streaming pieces as it writes.</summary>
public interface IChatPipeline
{
    Task<ChatAnswer> AnswerAsync(ExecuteChat command, CallerTokenStream tokens, ConsumeContext context, CancellationToken cancellationToken);
}
