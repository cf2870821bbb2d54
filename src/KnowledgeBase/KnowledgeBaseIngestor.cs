using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pgvector;
using Pipeline.Persistence;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Persistence.SemanticCache;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// Parses, chunks and embeds documents and stores them. Re-ingesting a key replaces its chunks in one transaction
/// (readers see the old or the new document, never a mix); unchanged content is a no-op.
/// </summary>
public sealed partial class KnowledgeBaseIngestor(
    PipelineDbContext db,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IEnumerable<IKnowledgeBaseChangeObserver> observers,
    IOptions<KnowledgeBaseOptions> options,
    TimeProvider time)
{
    private const int EmbeddingBatchSize = 256;

    /// <summary>Chunks re-embedded and updated per transaction: small enough for a progress bar that moves.</summary>
    private const int ReembeddingBatchSize = 64;

    public async Task<IngestionSummary> IngestAsync(DocumentInput input, CancellationToken cancellationToken)
    {
        if (!DocumentFormat.All.Contains(input.Format))
            throw new ArgumentException($"Unknown format '{input.Format}'; expected one of {string.Join(", ", DocumentFormat.All)}.", nameof(input));
        if (input.Content.Length > options.Value.MaxDocumentCharacters)
            throw new ArgumentException($"The document has {input.Content.Length} characters; at most {options.Value.MaxDocumentCharacters} are accepted.", nameof(input));

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(input.Format + "\n" + input.Content)));
        var existing = await db.Set<KnowledgeDocument>().AsNoTracking().SingleOrDefaultAsync(d => d.SourceKey == input.SourceKey, cancellationToken);
        if (existing is not null && existing.ContentHash == hash)
            return new IngestionSummary(existing.Id, existing.SourceKey, existing.Title, existing.Regulation, existing.Language, existing.ChunkCount, IngestionOutcome.Unchanged);

        var fallbackTitle = input.Title ?? Path.GetFileNameWithoutExtension(input.SourceKey);
        var parsed = input.Format switch
        {
            DocumentFormat.Formex => FormexParser.Parse(input.Content, fallbackTitle),
            DocumentFormat.Html => HtmlParser.Parse(input.Content, fallbackTitle),
            _ => MarkdownParser.Parse(input.Content, fallbackTitle),
        };
        var sections = ArticleChunker.Chunk(parsed.Sections, options.Value.MaxChunkCharacters).ToList();
        if (sections.Count == 0)
            throw new ArgumentException("The document has no text to index.", nameof(input));

        var document = new KnowledgeDocument
        {
            Id = NewId.NextGuid(),
            SourceKey = input.SourceKey,
            Title = input.Title ?? parsed.Title,
            Regulation = RegulationNames.FromSourceKey(input.SourceKey),
            Language = input.Language ?? parsed.Language,
            Format = input.Format,
            ContentHash = hash,
            ChunkCount = sections.Count,
            IngestedAt = time.GetUtcNow().UtcDateTime,
        };
        var slug = Slug(input.SourceKey);
        var vectors = await EmbedAsync(sections.Select(s => EmbeddedText(s.ArticleTitle, s.Text)).ToList(), cancellationToken);
        var model = embeddings.ModelId();
        document.Chunks = sections.Select((s, i) => new KnowledgeChunk
        {
            Id = $"{slug}-{i:D5}",
            DocumentId = document.Id,
            Ordinal = i,
            ArticleNumber = s.ArticleNumber,
            ArticleTitle = Truncate(s.ArticleTitle),
            Heading = Truncate(s.Heading),
            Language = document.Language,
            Text = s.Text,
            Embedding = new Vector(vectors[i]),
            EmbeddingModel = model,
        }).ToList();

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Set<KnowledgeDocument>().Where(d => d.SourceKey == input.SourceKey).ExecuteDeleteAsync(ct);
            db.Add(document);
            await db.SaveChangesAsync(ct);
            foreach (var observer in observers)
                await observer.DocumentReplacedAsync(document.Id, existing?.Id, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        db.ChangeTracker.Clear();

        return new IngestionSummary(document.Id, document.SourceKey, document.Title, document.Regulation, document.Language, document.ChunkCount,
            existing is null ? IngestionOutcome.Created : IngestionOutcome.Replaced);
    }

    /// <summary>Ingests every readable file of a folder (README files describe a folder and are skipped).</summary>
    public async Task<IReadOnlyList<IngestionSummary>> IngestDirectoryAsync(string path, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"No folder at {Path.GetFullPath(path)}.");

        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => DocumentFormat.FromFileName(f) is not null && !Path.GetFileName(f).StartsWith("README", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var summaries = new List<IngestionSummary>(files.Count);
        foreach (var file in files)
        {
            var content = await File.ReadAllTextAsync(file, cancellationToken);
            var summary = await IngestAsync(new DocumentInput(Path.GetFileName(file), content, DocumentFormat.FromFileName(file)!), cancellationToken);
            summaries.Add(summary);
            progress?.Report(new IngestionProgress(summaries.Count, files.Count, summary));
        }

        return summaries;
    }

    /// <summary>
    /// Re-embeds, with the configured model, every chunk whose vector another model computed (after a change of
    /// <c>KnowledgeBase:EmbeddingProvider</c>), and drops the semantic-cache entries of other models, which no lookup
    /// can match any more. Chunks are updated a batch per transaction, so an interrupted run resumes where it stopped.
    /// </summary>
    public async Task<int> ReembedAsync(IProgress<ReembeddingProgress>? progress, CancellationToken cancellationToken)
    {
        var model = embeddings.ModelId();
        var stale = db.Set<KnowledgeChunk>().Where(c => c.EmbeddingModel != model);
        var total = await stale.CountAsync(cancellationToken);
        var done = 0;
        progress?.Report(new ReembeddingProgress(done, total, model));
        var strategy = db.Database.CreateExecutionStrategy();
        while (done < total)
        {
            var batch = await stale.OrderBy(c => c.Id).Take(ReembeddingBatchSize)
                .Select(c => new { c.Id, c.ArticleTitle, c.Text })
                .AsNoTracking()
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
                break;

            var vectors = await EmbedAsync(batch.Select(c => EmbeddedText(c.ArticleTitle, c.Text)).ToList(), cancellationToken);
            await strategy.ExecuteAsync(async ct =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                for (var i = 0; i < batch.Count; i++)
                {
                    var id = batch[i].Id;
                    var vector = new Vector(vectors[i]);
                    await db.Set<KnowledgeChunk>().Where(c => c.Id == id)
                        .ExecuteUpdateAsync(u => u.SetProperty(c => c.Embedding, vector).SetProperty(c => c.EmbeddingModel, model), ct);
                }

                await transaction.CommitAsync(ct);
            }, cancellationToken);
            done += batch.Count;
            progress?.Report(new ReembeddingProgress(Math.Min(done, total), total, model));
        }

        await db.Set<SemanticCacheEntry>().Where(e => e.EmbeddingModel != model).ExecuteDeleteAsync(cancellationToken);
        return done;
    }

    /// <summary>What a chunk's vector is computed from: its article title carries meaning its text often leaves implicit.</summary>
    private static string EmbeddedText(string? articleTitle, string text) => $"{articleTitle} {text}";

    private async Task<List<float[]>> EmbedAsync(List<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(texts.Count);
        foreach (var batch in texts.Chunk(EmbeddingBatchSize))
        {
            var generated = await embeddings.GenerateAsync(batch, cancellationToken: cancellationToken);
            vectors.AddRange(generated.Select(e => e.Vector.ToArray()));
        }

        return vectors;
    }

    private static string? Truncate(string? text) => text is { Length: > 500 } ? text[..500] : text;

    private static string Slug(string sourceKey)
    {
        var slug = NonSlug().Replace(Path.GetFileName(sourceKey).ToLowerInvariant(), "-").Trim('-');
        return slug.Length > 200 ? slug[..200] : slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
