using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A database created from <see cref="SagaTestDbContext"/> and a private RabbitMQ virtual host for one test class.</summary>
public sealed class SagaTestInfrastructure : IAsyncLifetime
{
    private InfrastructureEndpoints _endpoints = null!;
    private string _virtualHost = "";

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _endpoints = await InfrastructureEndpoints.GetAsync();
        ConnectionString = await _endpoints.CreateDatabaseAsync("outbox_saga_test");
        _virtualHost = await _endpoints.CreateVirtualHostAsync("outbox-saga-test");
        await using var db = CreateDbContext();
        await db.Database.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        await _endpoints.DropDatabaseAsync(ConnectionString);
        await _endpoints.DeleteVirtualHostAsync(_virtualHost);
    }

    /// <summary>Broker settings for a host (the database is the test context's, registered by the host itself).</summary>
    public IConfiguration Configuration() =>
        new ConfigurationBuilder().AddInMemoryCollection(_endpoints.HostConfiguration(ConnectionString, _virtualHost)).Build();

    /// <summary>The tally as committed now, or null.</summary>
    public async Task<TallyState?> FindTallyAsync(Guid tallyId)
    {
        await using var db = CreateDbContext();
        return await db.Set<TallyState>().AsNoTracking().SingleOrDefaultAsync(t => t.CorrelationId == tallyId);
    }

    public SagaTestDbContext CreateDbContext(ILoggerFactory? logging = null)
    {
        var options = new DbContextOptionsBuilder<SagaTestDbContext>();
        SagaTestDbContext.Configure(options, ConnectionString);
        if (logging is not null)
            options.UseLoggerFactory(logging);
        return new SagaTestDbContext(options.Options);
    }
}
