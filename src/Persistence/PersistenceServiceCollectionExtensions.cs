using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Update;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Persistence;

/// <summary>Registers the pipeline database for a host.</summary>
public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure(o => o.ConnectionString = WithDefaults(configuration.GetConnectionString(DatabaseOptions.ConnectionStringName) ?? ""))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var traceOutboxStatements = configuration.GetValue<bool>(DatabaseTracing.TraceOutboxStatementsKey);

        // Pooled: every consumed message and request creates a context, and pooling saves setting each one up.
        services.AddDbContextPool<PipelineDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            options.UseNpgsql(database.ConnectionString, npgsql => npgsql.UseVector().ConfigureDataSource(source =>
                {
                    // Npgsql labels its pool metrics with the data source's name, by default the connection string:
                    // host, port, database and user would be on every scrape of the anonymous /metrics.
                    source.Name = DatabaseOptions.DataSourceName;
                    source.ConfigureTracing(DatabaseTracing.Configure(traceOutboxStatements));
                }))
                .UseSnakeCaseNamingConvention()
                .ReplaceService<IModificationCommandBatchFactory, InsertBatchFactory>()
                .InsertSagaInstancesSkippingExisting();
        });
        services.AddSingleton<SchemaMigrator>();
        return services;
    }

    /// <summary>
    /// Adds the HNSW search width as a session setting and automatic statement preparation, each unless the
    /// connection string sets its own.
    /// </summary>
    private static string WithDefaults(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("hnsw.ef_search", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c hnsw.ef_search={DatabaseOptions.DefaultHnswEfSearch}".Trim();
        if (!Sets(connectionString, nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
            builder.MaxAutoPrepare = DatabaseOptions.DefaultMaxAutoPrepare;
        return builder.ConnectionString;
    }

    /// <summary>
    /// Whether the connection string names the setting itself (with or without spaces), even at its default value:
    /// an explicit "Max Auto Prepare=0" turns preparation off.
    /// </summary>
    private static bool Sets(string connectionString, string property)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), property, StringComparison.OrdinalIgnoreCase));
    }
}
