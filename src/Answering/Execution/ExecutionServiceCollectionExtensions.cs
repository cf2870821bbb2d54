using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Answering;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Answering.Conversations;
using Pipeline.Answering.WebSearch;
using Pipeline.Platform.Hosting;
using Pipeline.Platform.Routing;
using Pipeline.KnowledgeBase;

namespace Pipeline.Answering.Execution;

/// <summary>Binds the chat workers' execution options.</summary>
public static class ExecutionServiceCollectionExtensions
{
    public static IServiceCollection AddExecutionOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ExecutionOptions>(configuration, ExecutionOptions.SectionName);
        services.AddSingleton<FaultInjection>();
        return services;
    }

    /// <summary>
    /// Everything a chat worker host needs besides the pipeline defaults, its own pipeline and its bus registration:
    /// routing and execution options, knowledge base, retrieval, generation and the execution's effects.
    /// </summary>
    public static IServiceCollection AddChatWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRoutingOptions(configuration);
        services.AddExecutionOptions(configuration);
        services.AddSemanticCache(configuration);
        services.AddAnswerGeneration(configuration);
        services.AddRetrieval(configuration);
        services.AddChatExecution(configuration);
        return services;
    }

    /// <summary>What every chat worker needs around its pipeline: memory, cache writes, count answers.</summary>
    public static IServiceCollection AddChatExecution(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWebSearch(configuration);
        services.AddScoped<ConversationHistory>();
        services.AddValidatedOptions<ConversationMemoryOptions>(configuration, ConversationMemoryOptions.SectionName);
        services.AddScoped<ConversationMemory>();
        services.AddScoped<ExecutionEffects>();
        services.AddScoped<KnowledgeBaseStatsAnswer>();
        return services;
    }
}
