using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.Persistence.Dashboard;

/// <summary>
/// A dashboard session ended by its operator (<c>dashboard_sign_outs</c>): its ticket is refused by every API
/// instance until it would have expired anyway, so a cookie copied before logout is worthless.
/// </summary>
public sealed class DashboardSignOut
{
    public Guid SessionId { get; set; }
    public DateTime ExpiresAt { get; set; }
}

internal sealed class DashboardSignOutConfiguration : IEntityTypeConfiguration<DashboardSignOut>
{
    public void Configure(EntityTypeBuilder<DashboardSignOut> builder)
    {
        builder.ToTable("dashboard_sign_outs");
        builder.HasKey(s => s.SessionId);
        builder.HasIndex(s => s.ExpiresAt);
    }
}
