using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Flags;

/// <summary>Maps <c>feature_flags</c>, with <c>version</c> as the optimistic-concurrency token.</summary>
internal sealed class FeatureFlagConfiguration : IEntityTypeConfiguration<FeatureFlag>
{
    public void Configure(EntityTypeBuilder<FeatureFlag> builder)
    {
        builder.ToTable("feature_flags", t =>
        {
            t.HasCheckConstraint("ck_feature_flags_status", "status IN ('disabled', 'shadow', 'enabled')");
            t.HasCheckConstraint("ck_feature_flags_rollout", "rollout_percentage IS NULL OR (rollout_percentage >= 0 AND rollout_percentage <= 100)");
        });
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Name).HasMaxLength(64).IsRequired();
        builder.HasIndex(f => f.Name).IsUnique();
        builder.Property(f => f.Description).HasMaxLength(1024);
        builder.Property(f => f.Status).HasMaxLength(16).IsRequired();
        builder.HasIndex(f => f.Status);
        builder.Property(f => f.Parent).HasMaxLength(64);
        builder.Property(f => f.UpdatedBy).HasMaxLength(256);
        builder.Property(f => f.Version).IsConcurrencyToken();
    }
}

/// <summary>Maps <c>feature_flag_events</c>.</summary>
internal sealed class FeatureFlagEventConfiguration : IEntityTypeConfiguration<FeatureFlagEvent>
{
    public void Configure(EntityTypeBuilder<FeatureFlagEvent> builder)
    {
        builder.ToTable("feature_flag_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.FlagName).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Type).HasMaxLength(32).IsRequired();
        builder.Property(e => e.Actor).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Before).HasColumnType("jsonb");
        builder.Property(e => e.After).HasColumnType("jsonb");
        builder.Property(e => e.Reason).HasMaxLength(4096);
        builder.HasIndex(e => new { e.FlagName, e.At });
        builder.HasIndex(e => e.At);
    }
}
