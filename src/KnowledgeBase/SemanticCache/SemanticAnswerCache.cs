using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pgvector;
using Pgvector.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase.Questions;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.SemanticCache;

namespace Pipeline.KnowledgeBase.SemanticCache;

/// <summary>
/// Reuses the answer of the nearest previous question when it is similar enough. Entries are added to the caller's
/// unit of work (they commit with the execution), and only for served live executions: a shadow or replayed run
/// never writes the cache. An entry is reused only by the same pipeline, for a question embedded by the same model that
/// names the same regulations and articles.
/// </summary>
public sealed class SemanticAnswerCache(
    PipelineDbContext db,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    QuestionEmbeddings recent,
    IOptions<SemanticCacheOptions> options,
    TimeProvider time)
{
    private IReadOnlyList<ChatPipeline>? _writeInto;
    private (string Question, Task<Vector> Vector)? _embedded;

    /// <summary>
    /// Which pipelines' entries this execution's answer is written into (by default its own pipeline's): the workflow's
    /// cache step writes where it reads — the legacy cache while the step is off, both while it is shadowed.
    /// </summary>
    public void WriteInto(params IReadOnlyList<ChatPipeline> owners) => _writeInto = owners;

    /// <summary>The nearest earlier answer kept for <paramref name="pipeline"/>, if close enough.</summary>
    public async Task<ChatAnswer?> LookupAsync(ChatPipeline pipeline, ExecuteChat command, CancellationToken cancellationToken)
    {
        var vector = await EmbedQuestionAsync(command.Question.Message, cancellationToken);
        var model = embeddings.ModelId();
        var scope = ScopeOf(command.Question.Message);
        // Never the entry this very request wrote: in shadow mode the legacy run may have stored its answer before
        // the workflow's cache step looks, which would make the workflow echo legacy instead of answering.
        var own = command.RequestId;
        var owner = PipelineName(pipeline);
        var maxDistance = 1 - options.Value.SimilarityThreshold;
        var since = time.GetUtcNow().UtcDateTime - options.Value.TimeToLive;
        var nearest = await db.Set<SemanticCacheEntry>().AsNoTracking()
            .Where(e => e.CreatedAt >= since && e.Pipeline == owner && e.EmbeddingModel == model && e.Scope == scope && e.Id != own)
            .OrderBy(e => e.Embedding.CosineDistance(vector))
            .Select(e => new { e.Answer, Distance = e.Embedding.CosineDistance(vector) })
            .FirstOrDefaultAsync(cancellationToken);
        return nearest is not null && nearest.Distance <= maxDistance
            ? JsonSerializer.Deserialize<ChatAnswer>(nearest.Answer, PipelineJson.Options)
            : null;
    }

    /// <summary>Adds the answer to the unit of work, unless the execution may leave no user-visible trace.</summary>
    public async Task StoreAsync(ExecuteChat command, ChatAnswer answer, CancellationToken cancellationToken)
    {
        if (command.Execution.Shadow || command.Execution.ReplayId is not null || answer.Cached || answer.Sources.Count == 0 || answer.Sources.Any(s => s.Url is not null))
            return;

        var owners = _writeInto ?? [command.Pipeline];
        var embedding = await EmbedQuestionAsync(command.Question.Message, cancellationToken);
        var model = embeddings.ModelId();
        var scope = ScopeOf(command.Question.Message);
        var serialized = JsonSerializer.Serialize(answer, PipelineJson.Options);
        var documentIds = answer.Sources.Select(s => Guid.TryParse(s.DocumentId, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().ToList();
        // A legacy execution's first entry is keyed by the request (at most one legacy execution per request stores),
        // so the same request's workflow run can skip it.
        var first = command.Pipeline == ChatPipeline.Legacy;
        foreach (var owner in owners.Distinct())
        {
            db.Add(new SemanticCacheEntry
            {
                Id = first ? command.RequestId : NewId.NextGuid(),
                Question = command.Question.Message,
                Embedding = embedding,
                EmbeddingModel = model,
                Scope = scope,
                Answer = serialized,
                DocumentIds = documentIds,
                Pipeline = PipelineName(owner),
                CreatedAt = time.GetUtcNow().UtcDateTime,
            });
            first = false;
        }
    }

    /// <summary>The regulations and article numbers a question names, in a canonical order ("" when it names none).</summary>
    internal static string ScopeOf(string question)
    {
        var analysis = QueryAnalyzer.Analyze(question);
        var scope = string.Join(",", analysis.Regulations.Order(StringComparer.Ordinal)) + "|" + string.Join(",", analysis.ArticleNumbers.Order());
        return scope.Length > SemanticCacheEntryConfiguration.ScopeMaxLength ? scope[..SemanticCacheEntryConfiguration.ScopeMaxLength] : scope;
    }

    private static string PipelineName(ChatPipeline pipeline) => pipeline.ToString().ToLowerInvariant();

    /// <summary>
    /// The question's vector, embedded once per execution: the lookup, a second lookup of a shadowed cache step and the
    /// store after a miss all need the same one, and the model's run is the cache's largest cost.
    /// </summary>
    public Task<Vector> EmbedQuestionAsync(string question, CancellationToken cancellationToken)
    {
        if (_embedded is { } done && done.Question == question && !done.Vector.IsFaulted && !done.Vector.IsCanceled)
            return done.Vector;
        var model = embeddings.ModelId();
        var vector = recent.TryGet(model, question, out var known) ? Task.FromResult(known)
            : recent.TryGetInFlight(model, question, out var ahead) ? ahead.WaitAsync(cancellationToken)
            : recent.EmbedAsync(embeddings, question, cancellationToken);
        _embedded = (question, vector);
        return vector;
    }

    /// <summary>True when the question's vector is at hand without running the model (this execution's or a recent one).</summary>
    public bool HasEmbedded(string question) =>
        _embedded is { } done && done.Question == question && done.Vector.IsCompletedSuccessfully
        || recent.TryGet(embeddings.ModelId(), question, out _);
}
