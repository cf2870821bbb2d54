using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Replays;

/// <summary>Maps <c>replays</c>.</summary>
internal sealed class ReplayConfiguration : IEntityTypeConfiguration<Replay>
{
    public void Configure(EntityTypeBuilder<Replay> builder)
    {
        builder.ToTable("replays");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.FlagName).HasMaxLength(64).IsRequired();
        builder.Property(r => r.CreatedBy).HasMaxLength(128).IsRequired();
        builder.HasIndex(r => r.CreatedAt);
    }
}
