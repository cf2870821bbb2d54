using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Alerts;

/// <summary>Maps <c>alerts</c>; at most one unresolved row per rule, so two evaluators can never fire a rule twice.</summary>
internal sealed class ActiveAlertConfiguration : IEntityTypeConfiguration<ActiveAlert>
{
    public void Configure(EntityTypeBuilder<ActiveAlert> builder)
    {
        builder.ToTable("alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Rule).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Severity).HasMaxLength(16).IsRequired();
        builder.HasIndex(a => a.Rule).IsUnique().HasFilter("resolved_at IS NULL");
        builder.HasIndex(a => a.Since);
    }
}
