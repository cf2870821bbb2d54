using Microsoft.Extensions.Options;
using Pipeline.Answering.Execution;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Platform.Routing;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>The legacy queue.</summary>
public sealed class LegacyChatConsumerDefinition(
    IOptions<RoutingOptions> routing, IOptions<ExecutionOptions> execution, QuestionEmbeddingAhead embeddingAhead)
    : ChatExecutionConsumerDefinition<LegacyChatConsumer>(routing.Value.LegacyEndpoint, execution.Value, embeddingAhead);
