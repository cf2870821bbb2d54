
namespace Pipeline.KnowledgeBase;

/// <summary>Told, inside the ingestion transaction, when a document's chunks were replaced (e.g. to invalidate cached answers built on them).</summary>
public interface IKnowledgeBaseChangeObserver
{
    Task DocumentReplacedAsync(Guid newDocumentId, Guid? previousDocumentId, CancellationToken cancellationToken);
}
