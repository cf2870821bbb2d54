using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Comparisons;

/// <summary>Maps <c>feature_flag_comparisons</c>; one row per (request, flag, kind, noise sample) makes recording idempotent.</summary>
internal sealed class ComparisonConfiguration : IEntityTypeConfiguration<Comparison>
{
    public void Configure(EntityTypeBuilder<Comparison> builder)
    {
        builder.ToTable("feature_flag_comparisons");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.FlagName).HasMaxLength(64).IsRequired();
        builder.Property(c => c.Kind).HasMaxLength(32).IsRequired();
        builder.Property(c => c.NewOutcome).HasMaxLength(16).IsRequired();
        builder.Property(c => c.Diff).HasColumnType("jsonb");
        builder.Property(c => c.OldResult).HasColumnType("jsonb");
        builder.Property(c => c.NewResult).HasColumnType("jsonb");
        builder.HasIndex(c => new { c.RequestId, c.FlagName, c.Kind, c.NoiseSample }).IsUnique();
        builder.HasIndex(c => new { c.FlagName, c.CreatedAt });
        builder.HasIndex(c => c.CreatedAt);
    }
}
