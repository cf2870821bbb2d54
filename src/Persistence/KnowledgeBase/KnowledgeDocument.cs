namespace Pipeline.Persistence.KnowledgeBase;

/// <summary>An ingested document (<c>documents</c>): one source file or upload, replaced as a whole when re-ingested.</summary>
public sealed class KnowledgeDocument
{
    public Guid Id { get; set; }

    /// <summary>The caller's stable key for the document (file name or upload key); re-ingesting the same key replaces it.</summary>
    public string SourceKey { get; set; } = "";
    public string Title { get; set; } = "";

    /// <summary>Short name of the regulation the document is about (GDPR, AI Act, …), used to balance comparisons.</summary>
    public string Regulation { get; set; } = "";
    public string Language { get; set; } = "";
    public string Format { get; set; } = "";
    public string ContentHash { get; set; } = "";
    public int ChunkCount { get; set; }
    public DateTime IngestedAt { get; set; }
    public List<KnowledgeChunk> Chunks { get; set; } = [];
}
