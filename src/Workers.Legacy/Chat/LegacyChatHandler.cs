using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering;
using Pipeline.Answering.Execution;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Answering.WebSearch;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>
/// The legacy pipeline as it was: one sequential handler — count questions from the database, the semantic cache,
/// keyword search over the knowledge base, then a grounded answer from the top passages.
/// </summary>
public sealed class LegacyChatHandler(
    KnowledgeBaseStatsAnswer stats,
    SemanticAnswerCache cache,
    KeywordRetrieval retrieval,
    GroundedAnswerWriter writer,
    WebAugmentation web,
    IOptions<ExecutionOptions> options,
    IOptions<GenerationOptions> generation,
    TimeProvider time) : IChatPipeline
{
    public async Task<ChatAnswer> AnswerAsync(ExecuteChat command, CallerTokenStream tokens, ConsumeContext context, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var activity = PipelineTelemetry.Source.StartActivity("legacy.chat");
        activity?.SetTag(PipelineTelemetry.PipelineTag, "legacy");
        activity?.SetTag(PipelineTelemetry.ShadowTag, command.Execution.Shadow);
        if (CountQuestion.Matches(command.Question.Message))
            return await stats.WriteAsync(command.Question.Message, tokens.SendAsync, cancellationToken);

        // Web results are fresh by request; a cached answer would not be.
        if (!command.Question.WebSearchEnabled && await cache.LookupAsync(command.Pipeline, command, cancellationToken) is { } cached)
            return await CachedAnswerReplay.ReplayAsync(cached, generation.Value.WordsPerToken, (long)time.GetElapsedTime(started).TotalMilliseconds, tokens.SendAsync, cancellationToken);

        var passages = await retrieval.RetrieveAsync(command.Question.Message, options.Value.TopK, cancellationToken);
        passages = await web.AppendAsync(command, passages, cancellationToken);
        var answer = await writer.WriteAsync(command.Question.Message, passages, tokens.SendAsync, cancellationToken);
        // The pipeline's whole work, retrieval included, as for a cached answer: the writer times only the generation.
        return answer with { DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds };
    }
}
