
namespace Pipeline.KnowledgeBase;

/// <summary>A document to ingest.</summary>
/// <param name="SourceKey">Stable key; ingesting the same key again replaces the document.</param>
/// <param name="Format">One of <see cref="DocumentFormat.All"/>.</param>
public sealed record DocumentInput(string SourceKey, string Content, string Format, string? Title = null, string? Language = null);

/// <summary>What ingestion did with a document.</summary>
public enum IngestionOutcome
{
    Created,
    Replaced,
    Unchanged,
}

/// <summary>The result of ingesting one document.</summary>
public sealed record IngestionSummary(Guid DocumentId, string SourceKey, string Title, string Regulation, string Language, int Chunks, IngestionOutcome Outcome);

/// <summary>Progress of a folder ingestion.</summary>
public sealed record IngestionProgress(int Done, int Total, IngestionSummary Last);

/// <summary>How far re-embedding the knowledge base with the configured model has come, in chunks.</summary>
public sealed record ReembeddingProgress(int Done, int Total, string Model);
