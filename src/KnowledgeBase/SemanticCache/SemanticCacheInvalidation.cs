using Microsoft.EntityFrameworkCore;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence;
using Pipeline.Persistence.SemanticCache;

namespace Pipeline.KnowledgeBase.SemanticCache;

/// <summary>Drops cached answers built on a document when it is re-ingested (inside the ingestion transaction).</summary>
internal sealed class SemanticCacheInvalidation(PipelineDbContext db) : IKnowledgeBaseChangeObserver
{
    public async Task DocumentReplacedAsync(Guid newDocumentId, Guid? previousDocumentId, CancellationToken cancellationToken)
    {
        if (previousDocumentId is { } previous)
            await db.Set<SemanticCacheEntry>().Where(e => e.DocumentIds.Contains(previous)).ExecuteDeleteAsync(cancellationToken);
    }
}
