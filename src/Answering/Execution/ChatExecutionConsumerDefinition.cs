using MassTransit;
using Pipeline.Platform.Bus;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase.SemanticCache;

namespace Pipeline.Answering.Execution;

/// <summary>
/// A pipeline's execution queue: only sent to (no topology bindings), immediate retries, and the transactional
/// outbox with inbox de-duplication, so a redelivered command has one effect. A question the cache will look up starts
/// its embedding as its message is received.
/// </summary>
public abstract class ChatExecutionConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly ExecutionOptions _execution;
    private readonly QuestionEmbeddingAhead _embeddingAhead;

    protected ChatExecutionConsumerDefinition(string endpointName, ExecutionOptions execution, QuestionEmbeddingAhead embeddingAhead)
    {
        _execution = execution;
        _embeddingAhead = embeddingAhead;
        EndpointName = endpointName;
        ConcurrentMessageLimit = execution.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Ahead of the outbox's filter: the model runs while the inbox row and its claim make their round trips.
        endpointConfigurator.UseExecute(received =>
        {
            if (received.TryGetMessage<ExecuteChat>(out var message) && AnswerCachePolicy.AppliesTo(message.Message))
                _embeddingAhead.Start(message.Message.Question.Message);
        });
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseMessageRetry(r => r.Immediate(_execution.Retries));
        endpointConfigurator.UseOutageRetry(context);
        endpointConfigurator.UseEntityFrameworkOutbox<PipelineDbContext>(context);
    }
}
