using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Requests;

/// <summary>Maps the request archive (<c>chat_requests</c>).</summary>
internal sealed class ArchivedChatRequestConfiguration : IEntityTypeConfiguration<ArchivedChatRequest>
{
    public void Configure(EntityTypeBuilder<ArchivedChatRequest> builder)
    {
        builder.ToTable("chat_requests");
        builder.HasKey(r => r.RequestId);
        builder.Property(r => r.Message).IsRequired();
        builder.Property(r => r.BucketingKey).IsRequired().HasMaxLength(256);
        builder.Property(r => r.UserId).HasMaxLength(256);
        builder.Property(r => r.UserGroup).HasMaxLength(256);
        builder.HasIndex(r => r.RequestedAt);
    }
}
