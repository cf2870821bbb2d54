using System.ComponentModel.DataAnnotations;
using Pipeline.Persistence.KnowledgeBase;

namespace Pipeline.KnowledgeBase;

/// <summary>Ingestion and retrieval settings (<c>KnowledgeBase:*</c>).</summary>
public sealed class KnowledgeBaseOptions
{
    public const string SectionName = "KnowledgeBase";

    /// <summary>Folder of the project's own sample documents, loaded by the <c>migrate</c> verb.</summary>
    [Required] public string SamplePath { get; set; } = "samples/knowledge-base";

    /// <summary>Longest chunk in characters; longer articles are split at paragraph boundaries.</summary>
    [Range(200, 20_000)] public int MaxChunkCharacters { get; set; } = 1_500;

    /// <summary>Must equal the column's dimension (384).</summary>
    [Range(KnowledgeChunkConfiguration.EmbeddingDimensions, KnowledgeChunkConfiguration.EmbeddingDimensions)]
    public int EmbeddingDimensions { get; set; } = KnowledgeChunkConfiguration.EmbeddingDimensions;

    /// <summary>
    /// <c>minilm</c> (all-MiniLM-L6-v2, local ONNX, the default) or <c>arcticxs</c> (snowflake-arctic-embed-xs, local
    /// ONNX), <c>hashing</c> (built-in, lexical feature hashing) or <c>openai</c> (any OpenAI-compatible embeddings
    /// endpoint). Changing it makes the <c>ingest</c> verb re-embed the knowledge base.
    /// </summary>
    [Required, RegularExpression(EmbeddingModels.ProviderPattern)] public string EmbeddingProvider { get; set; } = EmbeddingModels.MiniLmProvider;

    public Uri? EmbeddingEndpoint { get; set; }
    public string? EmbeddingModel { get; set; }
    public string? EmbeddingApiKey { get; set; }

    public const int DefaultKeywordTermLimit = 32;

    /// <summary>Most words of a question a keyword search matches (the most informative are kept, see <see cref="KeywordQuery"/>).</summary>
    [Range(1, 1_000)] public int KeywordTermLimit { get; set; } = DefaultKeywordTermLimit;

    /// <summary>
    /// Longest a retrieval query may run. Past it PostgreSQL cancels the statement and retrieval goes on without that
    /// list (keyword search answers empty), so no single question can hold the database.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")] public TimeSpan SearchStatementTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest document accepted by ingestion, in characters.</summary>
    [Range(1, 50_000_000)] public int MaxDocumentCharacters { get; set; } = 5_000_000;
}
