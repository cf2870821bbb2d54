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

        var stopping = app.Lifetime.ApplicationStopping;
        await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(stopping);
        await using var scope = app.Services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDatabaseSeeder>())
            await seeder.SeedAsync(stopping);
        app.Logger.LogInformation("Schema migrated and seeded.");
    }
}
