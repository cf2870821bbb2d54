using Pipeline.Persistence;

namespace Pipeline.Api.Hosting;

/// <summary>The <c>migrate</c> verb: bring the schema up to date, seed first-start data, then exit.</summary>
public static class MigrateCommand
{
    public const string Verb = "migrate";

    /// <summary>Runs the verb named in <paramref name="args"/> (<c>migrate</c>, <c>ingest &lt;path&gt;</c>, <c>replay</c>, <c>experiment</c>), or the web host when none is.</summary>
    public static async Task<int> RunOrMigrateAsync(this WebApplication app, string[] args)
    {
        switch (args)
        {
            case [Verb, ..]:
                await MigrateAndSeedAsync(app.Services, app.Lifetime.ApplicationStopping);
                app.Logger.LogInformation("Schema migrated and seeded.");
                return 0;
            case [IngestCommand.Verb, var path, ..]:
                return await IngestCommand.RunAsync(app.Services, path, app.Lifetime.ApplicationStopping);
            case [IngestCommand.Verb]:
                await Console.Error.WriteLineAsync("usage: ingest <file or folder>");
                return 2;
            case [ReplayCommand.Verb, ..]:
                return await ReplayCommand.RunAsync(args, app.Lifetime.ApplicationStopping);
            case [ExperimentCommand.Verb, ..]:
                return await ExperimentCommand.RunAsync(args, app.Lifetime.ApplicationStopping);
            default:
                await app.RunAsync();
                return 0;
        }
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
