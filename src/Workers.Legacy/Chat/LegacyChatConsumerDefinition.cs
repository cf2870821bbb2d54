using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Answering.Execution;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Platform.Routing;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>The legacy queue; a question the cache will look up starts its embedding as its message is received.</summary>
public sealed class LegacyChatConsumerDefinition(
    IOptions<RoutingOptions> routing, IOptions<ExecutionOptions> execution, QuestionEmbeddingAhead embeddingAhead)
    : ChatExecutionConsumerDefinition<LegacyChatConsumer>(routing.Value.LegacyEndpoint, execution.Value)
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LegacyChatConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Ahead of the outbox's filter: the model runs while the inbox row and its claim make their round trips.
        endpointConfigurator.UseExecute(received =>
        {
            if (received.TryGetMessage<ExecuteChat>(out var message) && LegacyChatHandler.LooksUpCache(message.Message))
                embeddingAhead.Start(message.Message.Question.Message);
        });
        base.ConfigureConsumer(endpointConfigurator, consumerConfigurator, context);
    }
}
