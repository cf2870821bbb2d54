using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pipeline.Persistence.KnowledgeBase;

namespace Pipeline.Persistence.SemanticCache;

/// <summary>Maps <c>semantic_cache</c> with an HNSW index for the nearest-question lookup.</summary>
public sealed class SemanticCacheEntryConfiguration : IEntityTypeConfiguration<SemanticCacheEntry>
{
    public const int ScopeMaxLength = 256;

    public void Configure(EntityTypeBuilder<SemanticCacheEntry> builder)
    {
        builder.ToTable("semantic_cache");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Question).IsRequired();
        builder.Property(e => e.Embedding).HasColumnType($"vector({KnowledgeChunkConfiguration.EmbeddingDimensions})").IsRequired();
        builder.Property(e => e.Answer).HasColumnType("jsonb").IsRequired();
        builder.Property(e => e.Pipeline).HasMaxLength(16).IsRequired();
        builder.Property(e => e.EmbeddingModel).HasMaxLength(KnowledgeChunkConfiguration.EmbeddingModelMaxLength).IsRequired();
        builder.Property(e => e.Scope).HasMaxLength(ScopeMaxLength).IsRequired();
        builder.HasIndex(e => e.Embedding).HasMethod("hnsw").HasOperators("vector_cosine_ops");
        builder.HasIndex(e => e.DocumentIds).HasMethod("GIN");
        builder.HasIndex(e => e.CreatedAt);
    }
}
