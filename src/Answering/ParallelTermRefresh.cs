using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Persistence;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Platform.Hosting;

namespace Pipeline.Answering;

/// <summary>
/// Relearns the Italian→English translations when the acts the knowledge base holds in both languages change: a
/// small query per run compares the parallel documents with those last learnt from, so ingesting a new language
/// version is picked up within one interval, and an unchanged knowledge base costs one aggregate query.
/// </summary>
public sealed partial class ParallelTermRefresh(
    PipelineDbContext db, ParallelTermStore store, IOptions<EnhancementOptions> options, ILogger<ParallelTermRefresh> logger) : IPeriodicJob
{
    private const string Italian = "it";
    private const string English = "en";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.LearnFromParallelActs)
        {
            store.Replace("", ParallelTerms.None);
            return;
        }

        var versions = await db.Set<KnowledgeDocument>().AsNoTracking()
            .Where(d => d.Language == Italian || d.Language == English)
            .Select(d => new { d.Id, d.Regulation, d.Language, d.ContentHash })
            .ToListAsync(cancellationToken);
        var parallel = versions.GroupBy(v => v.Regulation)
            .Where(g => g.Any(v => v.Language == Italian) && g.Any(v => v.Language == English))
            .SelectMany(g => g)
            .OrderBy(v => v.Regulation, StringComparer.Ordinal).ThenBy(v => v.Language, StringComparer.Ordinal).ThenBy(v => v.ContentHash, StringComparer.Ordinal)
            .ToList();
        var fingerprint = string.Join(';', parallel.Select(v => $"{v.Regulation}/{v.Language}/{v.ContentHash}"));
        if (fingerprint == store.Fingerprint)
            return;

        var started = Stopwatch.GetTimestamp();
        var ids = parallel.Select(v => v.Id).ToList();
        var chunks = await db.Set<KnowledgeChunk>().AsNoTracking()
            .Where(c => ids.Contains(c.DocumentId))
            .OrderBy(c => c.Ordinal)
            .Select(c => new { c.Document!.Regulation, c.Document.Language, c.ArticleNumber, c.Heading, c.Text })
            .ToListAsync(cancellationToken);

        // An article is the unit both versions share (their paragraphs are chunked by length, which differs by
        // language); a recital is known by its number.
        var provisions = chunks
            .Select(c => new { c.Regulation, c.Language, c.Text, Unit = c.ArticleNumber is { } article ? article.ToString(CultureInfo.InvariantCulture) : c.Heading })
            .Where(c => c.Unit is not null)
            .GroupBy(c => (c.Regulation, c.Unit))
            .Select(g => new ParallelProvision(
                string.Join('\n', g.Where(c => c.Language == Italian).Select(c => c.Text)),
                string.Join('\n', g.Where(c => c.Language == English).Select(c => c.Text))))
            .Where(p => p.Italian.Length > 0 && p.English.Length > 0)
            .ToList();

        var terms = ParallelTermLearner.Learn(provisions, options.Value);
        store.Replace(fingerprint, terms);
        LogLearnt(terms.Count, provisions.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Learnt {Terms} Italian→English word translations from {Provisions} parallel provisions in {ElapsedMs} ms")]
    private partial void LogLearnt(int terms, int provisions, long elapsedMs);
}
