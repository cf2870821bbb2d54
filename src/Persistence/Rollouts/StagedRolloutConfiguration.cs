using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Rollouts;

/// <summary>Maps <c>flag_rollouts</c>; at most one running rollout per flag.</summary>
internal sealed class StagedRolloutConfiguration : IEntityTypeConfiguration<StagedRollout>
{
    public void Configure(EntityTypeBuilder<StagedRollout> builder)
    {
        builder.ToTable("flag_rollouts");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.FlagName).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(16).IsRequired();
        builder.Property(r => r.Kind).HasMaxLength(16).IsRequired().HasDefaultValue(RolloutKind.Equivalence);
        builder.Property(r => r.StartedBy).HasMaxLength(256).IsRequired();
        builder.Property(r => r.LastDecision).HasMaxLength(1024);
        builder.Property(r => r.Version).IsRowVersion();
        builder.HasIndex(r => r.FlagName).IsUnique().HasFilter("status = 'running'");
    }
}
