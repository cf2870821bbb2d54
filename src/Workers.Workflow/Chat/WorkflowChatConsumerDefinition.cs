using Microsoft.Extensions.Options;
using Pipeline.Answering.Execution;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Platform.Routing;

namespace Pipeline.Workers.Workflow.Chat;

/// <summary>The workflow queue.</summary>
public sealed class WorkflowChatConsumerDefinition(
    IOptions<RoutingOptions> routing, IOptions<ExecutionOptions> execution, QuestionEmbeddingAhead embeddingAhead)
    : ChatExecutionConsumerDefinition<WorkflowChatConsumer>(routing.Value.WorkflowEndpoint, execution.Value, embeddingAhead);
