using Microsoft.EntityFrameworkCore;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Persistence;

/// <summary>The one schema of the pipeline; each feature contributes its tables through entity configurations in its own folder.</summary>
public sealed class PipelineDbContext(DbContextOptions<PipelineDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("vector");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PipelineDbContext).Assembly);
        modelBuilder.AddTransactionalOutboxEntities();
    }
}
