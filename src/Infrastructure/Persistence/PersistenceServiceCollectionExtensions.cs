using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipeline.Infrastructure.Persistence;

/// <summary>Registers the pipeline database for a host.</summary>
public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName) ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Pooled: every consumed message and request creates a context, and pooling saves setting each one up.
        services.AddDbContextPool<PipelineDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            options.UseNpgsql(database.ConnectionString, npgsql => npgsql.UseVector())
                .UseSnakeCaseNamingConvention();
        });
        services.AddSingleton<SchemaMigrator>();
        return services;
    }
}
