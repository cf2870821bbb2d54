using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Routing;

/// <summary>Maps the routing saga's rows (<c>chat_routing_state</c>), with xmin as the concurrency token.</summary>
internal sealed class ChatRoutingStateConfiguration : IEntityTypeConfiguration<ChatRoutingState>
{
    public void Configure(EntityTypeBuilder<ChatRoutingState> builder)
    {
        builder.ToTable("chat_routing_state");
        builder.HasKey(s => s.CorrelationId);
        builder.Property(s => s.CorrelationId).ValueGeneratedNever();
        builder.Property(s => s.Version).IsRowVersion();
        builder.Property(s => s.CurrentState).HasMaxLength(64).IsRequired();
        builder.Property(s => s.Message).IsRequired();
        builder.Property(s => s.BucketingKey).HasMaxLength(256).IsRequired();
        builder.Property(s => s.UserId).HasMaxLength(256);
        builder.Property(s => s.UserGroup).HasMaxLength(256);
        builder.Property(s => s.CallerAddress).HasMaxLength(1024);
        builder.Property(s => s.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.ServedPipeline).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.ShadowPipeline).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.ShadowOutcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.NoiseOutcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.ServedAnswer).HasColumnType("jsonb");
        builder.Property(s => s.ShadowAnswer).HasColumnType("jsonb");
        builder.Property(s => s.NoiseAnswer).HasColumnType("jsonb");
        builder.Property(s => s.FailureReason).HasMaxLength(1024);
        builder.Property(s => s.WorkflowSteps).HasColumnType("text[]");
        builder.Property(s => s.CostUsd).HasPrecision(18, 8);
        // The sweeper's query: overdue, not yet signalled.
        builder.HasIndex(s => s.DeadlineAt).HasFilter("deadline_signalled_at IS NULL");
        builder.HasIndex(s => s.RequestedAt);
        builder.HasIndex(s => s.ReplayId).HasFilter("replay_id IS NOT NULL");
    }
}
