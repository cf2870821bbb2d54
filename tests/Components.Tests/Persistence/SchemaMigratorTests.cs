using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Persistence;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Persistence;

/// <summary>The schema migration a first <c>migrate</c> runs against a database that has never seen the pipeline.</summary>
public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task A_first_migration_on_an_empty_database_applies_every_migration_and_logs_nothing_at_error_level()
    {
        var endpoints = await InfrastructureEndpoints.GetAsync();
        var connectionString = await endpoints.CreateDatabaseAsync("pipeline_first_migration");
        try
        {
            var logs = new RecordedLogs();
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{DatabaseOptions.ConnectionStringName}"] = connectionString })
                .Build();
            await using var services = new ServiceCollection()
                .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
                .AddPipelineDatabase(configuration)
                .BuildServiceProvider();

            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);

            Assert.Empty(logs.AtOrAbove(LogLevel.Error));
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        }
        finally
        {
            await endpoints.DropDatabaseAsync(connectionString);
        }
    }
}
