using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.KnowledgeBase.Questions;
using Pipeline.Contracts;
using Pipeline.Answering;
using Pipeline.Answering.Conversations;
using Pipeline.Answering.Execution;
using Pipeline.Flags;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Answering.WebSearch;
using Pipeline.Workers.Workflow.Steps;
using Pipeline.Platform.Routing;

namespace Pipeline.Workers.Workflow.Chat;

/// <summary>
/// The workflow pipeline: the legacy capability as an explicit step graph — analysis → cache → enhancement → retrieval →
/// generation — each step a span behind its own flag (off: the legacy step, shadow: both, compared; on: the new step).
/// A new question's enhancement and retrieval run while the cache step's model embeds it, as in the legacy pipeline.
/// </summary>
public sealed class WorkflowChatPipeline(
    StepRunner steps,
    KnowledgeBaseStatsAnswer stats,
    SemanticAnswerCache cache,
    KeywordRetrieval legacyRetrieval,
    HybridRetrieval hybridRetrieval,
    GroundedAnswerWriter writer,
    AnalysisAwareAnswerWriter analysisAwareWriter,
    WebAugmentation web,
    ParallelTermStore parallelTerms,
    ConversationMemory memory,
    IFlagEvaluator flags,
    IOptions<ExecutionOptions> options,
    IOptions<GenerationOptions> generation,
    IOptions<RoutingOptions> routing,
    TimeProvider time) : IChatPipeline
{
    /// <summary>Where the new generator's pieces go in shadow: nowhere, the caller is being served the legacy answer.</summary>
    private static readonly Func<string, CancellationToken, Task> Discard = (_, _) => Task.CompletedTask;

    public async Task<ChatAnswer> AnswerAsync(ExecuteChat command, CallerTokenStream tokens, ConsumeContext context, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var activity = PipelineTelemetry.Source.StartActivity("workflow.chat");
        activity?.SetTag(PipelineTelemetry.PipelineTag, "workflow");
        activity?.SetTag(PipelineTelemetry.ShadowTag, command.Execution.Shadow);
        var comparator = await context.GetSendEndpoint(new Uri($"exchange:{routing.Value.ComparatorEndpoint}"));
        Task Compare(CompareResults pair) => comparator.Send(pair, cancellationToken);

        var analysis = await steps.RunAsync(ComparisonKind.Analysis, MigrationFlags.WorkflowAnalysis, command,
            _ => Task.FromResult(LegacyQueryAnalyzer.Analyze(command.Question.Message)),
            _ => Task.FromResult(QueryAnalyzer.Analyze(command.Question.Message)),
            Compare, cancellationToken);
        if (analysis.Intent == QueryIntent.Meta || CountQuestion.Matches(command.Question.Message))
            return await stats.WriteAsync(command.Question.Message, tokens.SendAsync, cancellationToken);

        // Off, the cache step reads the legacy pipeline's cache (the component being strangled); on, the workflow's own
        // entries, which only its served answers fill.
        cache.WriteInto(flags.Evaluate(MigrationFlags.WorkflowCache, FlagContextOf(command)).Mode switch
        {
            FlagMode.On => [ChatPipeline.Workflow],
            FlagMode.Shadow => [ChatPipeline.Legacy, ChatPipeline.Workflow],
            _ => [ChatPipeline.Legacy],
        });
        var lookup = AnswerCachePolicy.AppliesTo(command);
        // As in the legacy pipeline: a new question's enhancement and retrieval (the database) run while the model embeds
        // it (the CPU), and a cache hit drops their passages; a question embedded before waits for no model, so its
        // retrieval waits for the cache's answer rather than run in vain.
        var retrieved = lookup && !cache.HasEmbedded(command.Question.Message)
            ? await cache.EmbedQuestionAlongsideAsync(command.Question.Message, () => RetrieveAsync(command, analysis, Compare, cancellationToken), cancellationToken)
            : null;

        var cached = !lookup ? null : await steps.RunAsync(ComparisonKind.Cache, MigrationFlags.WorkflowCache, command,
            ct => cache.LookupAsync(ChatPipeline.Legacy, command, ct),
            ct => cache.LookupAsync(ChatPipeline.Workflow, command, ct),
            Compare, cancellationToken);
        if (cached is not null)
            return await CachedAnswerReplay.ReplayAsync(cached, generation.Value.WordsPerToken, (long)time.GetElapsedTime(started).TotalMilliseconds, tokens.SendAsync, cancellationToken);

        var passages = await web.AppendAsync(command, retrieved ?? await RetrieveAsync(command, analysis, Compare, cancellationToken), cancellationToken);

        // Only the served side streams; the other's answer still comes back whole for the comparison.
        Func<string, CancellationToken, Task> StreamFor(StepRole role) => role == StepRole.Served ? tokens.SendAsync : Discard;
        var answer = await steps.RunAsync(ComparisonKind.Generation, MigrationFlags.WorkflowGeneration, command,
            (role, ct) => writer.WriteAsync(command.Question.Message, passages, StreamFor(role), ct),
            async (role, ct) => await analysisAwareWriter.WriteAsync(command.Question.Message, analysis, passages, await LoadMemoryAsync(command, ct), StreamFor(role), ct),
            Compare, cancellationToken);
        // The pipeline's whole work, every step included, as for a cached answer: the writer times only the generation.
        return answer with { DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds };
    }

    public IReadOnlyList<string> StepsOn(ExecuteChat command) => steps.StepsOn(command);

    /// <summary>The enhancement step, then the retrieval step on its query.</summary>
    private async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(ExecuteChat command, QueryAnalysis analysis, Func<CompareResults, Task> compare,
        CancellationToken cancellationToken)
    {
        // The legacy system searched with the question as typed; the new step expands regulation names first.
        var query = await steps.RunAsync(ComparisonKind.Enhancement, MigrationFlags.WorkflowEnhancement, command,
            _ => Task.FromResult(command.Question.Message),
            _ => Task.FromResult(QueryEnhancer.Enhance(command.Question.Message, parallelTerms.Current)),
            compare, cancellationToken);
        return await steps.RunAsync(ComparisonKind.Retrieval, MigrationFlags.WorkflowRetrieval, command,
            ct => legacyRetrieval.RetrieveAsync(query, options.Value.TopK, ct),
            ct => hybridRetrieval.RetrieveAsync(command.Question.Message, query, analysis, ct),
            compare, cancellationToken);
    }

    /// <summary>
    /// History in the prompt is the new generation's memory (memory-loading), optionally summarised
    /// (memory-summarization); the legacy generation never had any.
    /// </summary>
    private async Task<ConversationContext> LoadMemoryAsync(ExecuteChat command, CancellationToken cancellationToken)
    {
        using var activity = PipelineTelemetry.Source.StartActivity("workflow.memory");
        var context = FlagContextOf(command);
        if (flags.Evaluate(MigrationFlags.MemoryLoading, context).Mode != FlagMode.On)
            return ConversationContext.None;
        var summarize = flags.Evaluate(MigrationFlags.MemorySummarization, context).Mode == FlagMode.On;
        activity?.SetTag("pipeline.memory.summarized", summarize);
        return await memory.LoadAsync(command.ConversationId, summarize, cancellationToken);
    }

    private static FlagContext FlagContextOf(ExecuteChat command) => new(command.Question.BucketingKey, command.Question.UserId, command.Question.UserGroup);
}
