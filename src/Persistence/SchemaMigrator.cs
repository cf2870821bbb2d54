using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Pipeline.Persistence;

/// <summary>Applies EF Core migrations, serialised by an advisory lock so several processes can start at once.</summary>
public sealed class SchemaMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();

        // A named data source: a bare connection's pool is labelled in the metrics by its connection string.
        var lockSource = new NpgsqlDataSourceBuilder(options.Value.ConnectionString) { Name = DatabaseOptions.DataSourceName + "-migration" };
        await using var dataSource = lockSource.Build();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", options.Value.MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // Npgsql's history repository reports the history table as present and reads it, catching the error when
            // it is not; EF logs that failed read at Error level on every first start. Created first, it reads fine.
            var history = db.GetService<IHistoryRepository>();
            await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            // The vector type is created by the migration; pooled connections opened before it must reload types.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await ((NpgsqlConnection)db.Database.GetDbConnection()).ReloadTypesAsync(cancellationToken);
            await db.Database.CloseConnectionAsync();
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", options.Value.MigrationLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
