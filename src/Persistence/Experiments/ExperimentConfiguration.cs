using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Experiments;

/// <summary>Maps <c>experiments</c>.</summary>
internal sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.ToTable("experiments");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Name).HasMaxLength(128).IsRequired();
        builder.Property(e => e.FlagName).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Dataset).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Questions).HasColumnType("jsonb").IsRequired();
        builder.Property(e => e.Treatment).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Control).HasMaxLength(64).IsRequired();
        builder.Property(e => e.CreatedBy).HasMaxLength(128).IsRequired();
        builder.HasIndex(e => e.CreatedAt);
        builder.HasIndex(e => new { e.FlagName, e.FinishedAt });
    }
}

/// <summary>Maps <c>experiment_answers</c>: one row per (experiment, question, variant).</summary>
internal sealed class ExperimentAnswerConfiguration : IEntityTypeConfiguration<ExperimentAnswer>
{
    public void Configure(EntityTypeBuilder<ExperimentAnswer> builder)
    {
        builder.ToTable("experiment_answers");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.QuestionId).HasMaxLength(128).IsRequired();
        builder.Property(a => a.Variant).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Outcome).HasMaxLength(16).IsRequired();
        builder.Property(a => a.Answer).HasColumnType("jsonb");
        builder.HasOne<Experiment>().WithMany().HasForeignKey(a => a.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.ExperimentId, a.QuestionId, a.Variant }).IsUnique();
        builder.HasIndex(a => new { a.ExperimentId, a.Outcome });
    }
}
