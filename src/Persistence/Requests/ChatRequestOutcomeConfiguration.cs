using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Requests;

/// <summary>Maps <c>chat_request_outcomes</c>: one row per request, so a second outcome cannot commit.</summary>
internal sealed class ChatRequestOutcomeConfiguration : IEntityTypeConfiguration<ChatRequestOutcome>
{
    public void Configure(EntityTypeBuilder<ChatRequestOutcome> builder)
    {
        builder.ToTable("chat_request_outcomes");
        builder.HasKey(o => o.RequestId);
        builder.Property(o => o.Title).HasMaxLength(ChatRequestOutcome.MaxTitleLength);
        builder.Property(o => o.PoweredBy).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Answer).HasColumnType("jsonb");
    }
}
