using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Persistence;
using Xunit;

namespace Pipeline.Testing;

/// <summary>
/// A fresh, migrated database and a private RabbitMQ virtual host for one test class (use as a class fixture).
/// </summary>
public class IsolatedInfrastructure : IAsyncLifetime
{
    public InfrastructureEndpoints Endpoints { get; private set; } = null!;
    public string DatabaseConnectionString { get; private set; } = "";
    public string VirtualHost { get; private set; } = "";

    /// <summary>Settings for a host under test: database, broker, plus whatever the test adds.</summary>
    public IConfiguration Configuration(IDictionary<string, string?>? overrides = null)
    {
        var values = Endpoints.HostConfiguration(DatabaseConnectionString, VirtualHost);
        if (overrides is not null)
        {
            foreach (var (key, value) in overrides)
                values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    public IReadOnlyDictionary<string, string?> Settings => Endpoints.HostConfiguration(DatabaseConnectionString, VirtualHost);

    public virtual async Task InitializeAsync()
    {
        Endpoints = await InfrastructureEndpoints.GetAsync();
        DatabaseConnectionString = await Endpoints.CreateDatabaseAsync("pipeline_test");
        VirtualHost = await Endpoints.CreateVirtualHostAsync("pipeline-test");
        await MigrateAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Endpoints.DropDatabaseAsync(DatabaseConnectionString);
        await Endpoints.DeleteVirtualHostAsync(VirtualHost);
    }

    /// <summary>A context on this fixture's database, for arranging and asserting rows.</summary>
    public PipelineDbContext CreateDbContext()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddPipelineDatabase(Configuration())
            .BuildServiceProvider();
        return services.CreateScope().ServiceProvider.GetRequiredService<PipelineDbContext>();
    }

    private async Task MigrateAsync()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance)
            .AddLogging()
            .AddPipelineDatabase(Configuration())
            .BuildServiceProvider();
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
    }
}
