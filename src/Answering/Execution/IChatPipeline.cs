using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Answering.Execution;

/// <summary>One pipeline's way of answering an <see cref="ExecuteChat"/>, streaming pieces as it writes.</summary>
public interface IChatPipeline
{
    Task<ChatAnswer> AnswerAsync(ExecuteChat command, CallerTokenStream tokens, ConsumeContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The step flags this pipeline runs new (on) for the command, reported with its outcome so a step flag's rollout
    /// can tell the requests each side served; null for a pipeline without step flags.
    /// </summary>
    IReadOnlyList<string>? StepsOn(ExecuteChat command) => null;
}
