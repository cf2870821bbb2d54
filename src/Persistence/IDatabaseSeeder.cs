namespace Pipeline.Persistence;

/// <summary>Puts a feature's first-start data into a migrated database; must be idempotent and never reset operator changes.</summary>
public interface IDatabaseSeeder
{
    Task SeedAsync(CancellationToken cancellationToken);
}
