using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Serving;

/// <summary>Maps <c>serving_claims</c>: the key (request, attempt) is what makes the claim exclusive.</summary>
internal sealed class ServingClaimConfiguration : IEntityTypeConfiguration<ServingClaim>
{
    public void Configure(EntityTypeBuilder<ServingClaim> builder)
    {
        builder.ToTable("serving_claims");
        builder.HasKey(c => new { c.RequestId, c.Attempt });
        builder.Property(c => c.Outcome).HasMaxLength(16).IsRequired();
    }
}
