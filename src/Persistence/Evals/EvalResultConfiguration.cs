using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Evals;

/// <summary>Maps <c>eval_results</c>; one row per (request, pipeline, reason), so a redelivered sample is never scored twice.</summary>
internal sealed class EvalResultConfiguration : IEntityTypeConfiguration<EvalResult>
{
    public const int MaxNoteLength = 2_000;

    public void Configure(EntityTypeBuilder<EvalResult> builder)
    {
        builder.ToTable("eval_results");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Question).IsRequired();
        builder.Property(e => e.Pipeline).HasMaxLength(16).IsRequired();
        builder.Property(e => e.Reason).HasMaxLength(32).IsRequired();
        builder.Property(e => e.Answer).HasColumnType("jsonb").IsRequired();
        builder.Property(e => e.EvaluatorVersion).HasMaxLength(64).IsRequired();
        builder.Property(e => e.ReviewVerdict).HasMaxLength(16);
        builder.Property(e => e.ReviewNote).HasMaxLength(MaxNoteLength);
        builder.Property(e => e.ReviewedBy).HasMaxLength(128);
        builder.HasIndex(e => new { e.RequestId, e.Pipeline, e.Reason }).IsUnique();
        builder.HasIndex(e => e.CreatedAt);
        builder.HasIndex(e => new { e.Flagged, e.CreatedAt });
    }
}
