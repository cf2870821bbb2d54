using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Infrastructure.Telemetry;

namespace Pipeline.Infrastructure.Persistence;

/// <summary>Registers the pipeline database for a host.</summary>
public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure(o => o.ConnectionString = WithSearchDefaults(configuration.GetConnectionString(DatabaseOptions.ConnectionStringName) ?? ""))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var traceOutboxStatements = TelemetryOptions.From(configuration).TraceOutboxStatements;

        // Pooled: every consumed message and request creates a context, and pooling saves setting each one up.
        services.AddDbContextPool<PipelineDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            options.UseNpgsql(database.ConnectionString, npgsql => npgsql.UseVector().ConfigureDataSource(source => source.ConfigureTracing(DatabaseTracing.Configure(traceOutboxStatements))))
                .UseSnakeCaseNamingConvention();
        });
        services.AddSingleton<SchemaMigrator>();
        return services;
    }

    /// <summary>Adds the HNSW search width as a session setting, unless the connection string sets its own.</summary>
    private static string WithSearchDefaults(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("hnsw.ef_search", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c hnsw.ef_search={DatabaseOptions.DefaultHnswEfSearch}".Trim();
        return builder.ConnectionString;
    }
}
