using Microsoft.EntityFrameworkCore;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A schema of the tests' own: the tally saga plus the inbox and outbox tables.</summary>
public sealed class SagaTestDbContext(DbContextOptions<SagaTestDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new TallyStateMap());
        modelBuilder.AddTransactionalOutboxEntities();
    }

    /// <summary>The same provider settings as production: Npgsql with snake_case names.</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention().InsertSagaInstancesSkippingExisting();
}
