using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Conversations;

/// <summary>Maps <c>conversation_messages</c>; one row per (request, role) so a redelivered answer is never saved twice.</summary>
internal sealed class ConversationMessageConfiguration : IEntityTypeConfiguration<ConversationMessage>
{
    public void Configure(EntityTypeBuilder<ConversationMessage> builder)
    {
        builder.ToTable("conversation_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Role).HasMaxLength(16).IsRequired();
        builder.Property(m => m.Content).IsRequired();
        builder.Property(m => m.Pipeline).HasMaxLength(16);
        builder.HasIndex(m => new { m.RequestId, m.Role }).IsUnique();
        builder.HasIndex(m => new { m.ConversationId, m.CreatedAt });
    }
}
