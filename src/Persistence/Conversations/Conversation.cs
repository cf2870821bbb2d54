using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Conversations;

/// <summary>
/// Who a conversation belongs to (<c>conversations</c>): the identity that started it. Only that identity may add
/// turns to it, so nobody can plant text in another caller's history, which memory loading would feed into their
/// next prompt.
/// </summary>
public sealed class Conversation
{
    public const int MaxOwnerLength = 300;

    public Guid Id { get; set; }

    /// <summary>The caller's identity as the API resolved it (an API key's fingerprint, a declared user or session id, or anonymous).</summary>
    public string Owner { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Owner).HasMaxLength(Conversation.MaxOwnerLength).IsRequired();
    }
}
