using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Api.Hosting;

/// <summary>The <c>migrate</c> verb: bring the schema up to date, seed first-start data, then exit.</summary>
public static class MigrateCommand
{
    public const string Verb = "migrate";

    /// <summary>Runs the verb named in <paramref name="args"/>, or the web host when none is.</summary>
    public static async Task RunOrMigrateAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] != Verb)
        {
            await app.RunAsync();
            return;
        }

        await MigrateAndSeedAsync(app.Services, app.Lifetime.ApplicationStopping);
        app.Logger.LogInformation("Schema migrated and seeded.");
    }

    /// <summary>Applies pending migrations, then every feature's first-start data (idempotent).</summary>
    public static async Task MigrateAndSeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
        await using var scope = services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDatabaseSeeder>())
            await seeder.SeedAsync(cancellationToken);
    }
}
