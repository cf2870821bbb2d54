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
/// The legacy pipeline as it was: one handler — count questions from the database, the semantic cache, keyword search
/// over the knowledge base, then a grounded answer from the top passages. Only the order of its work changed: a new
/// question's keyword search runs while the cache embeds it.
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

        var question = command.Question.Message;
        var (cached, passages) = AnswerCachePolicy.AppliesTo(command) ? await LookupAsync(command, cancellationToken) : (null, null);
        if (cached is not null)
            return await CachedAnswerReplay.ReplayAsync(cached, generation.Value.WordsPerToken, (long)time.GetElapsedTime(started).TotalMilliseconds, tokens.SendAsync, cancellationToken);

        passages ??= await RetrieveAsync(question, cancellationToken);
        passages = await web.AppendAsync(command, passages, cancellationToken);
        var answer = await writer.WriteAsync(command.Question.Message, passages, tokens.SendAsync, cancellationToken);
        // The pipeline's whole work, retrieval included, as for a cached answer: the writer times only the generation.
        return answer with { DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds };
    }

    /// <summary>
    /// The semantic cache's answer, and the retrieval's passages when they were fetched meanwhile. Embedding the question
    /// (the model, on the CPU) and the keyword retrieval (the database) need nothing of each other, so a new question's
    /// retrieval runs while it is embedded and a cache hit drops the passages; a question embedded before (a repeat, the
    /// cache's usual hit) waits for no model, so its retrieval waits for the cache's answer rather than run in vain.
    /// The vector search follows both: it needs the vector, and shares the retrieval's connection.
    /// </summary>
    private async Task<(ChatAnswer? Cached, IReadOnlyList<RetrievedPassage>? Passages)> LookupAsync(ExecuteChat command, CancellationToken cancellationToken)
    {
        var question = command.Question.Message;
        IReadOnlyList<RetrievedPassage>? passages = null;
        if (!cache.HasEmbedded(question))
            passages = await cache.EmbedQuestionAlongsideAsync(question, () => RetrieveAsync(question, cancellationToken), cancellationToken);

        using (PipelineTelemetry.Source.StartActivity("legacy.cache.search"))
            return (await cache.LookupAsync(command.Pipeline, command, cancellationToken), passages);
    }

    private async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string question, CancellationToken cancellationToken)
    {
        using (PipelineTelemetry.Source.StartActivity("legacy.retrieval"))
            return await retrieval.RetrieveAsync(question, options.Value.TopK, cancellationToken);
    }
}
