using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Persistence;
using Xunit;

namespace Pipeline.Components.Tests.Persistence;

/// <summary>What the pipeline adds to the configured connection string, and what it leaves to the operator.</summary>
public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void Statements_are_prepared_automatically_unless_the_connection_string_says_otherwise()
    {
        var configured = Configured("Host=db;Database=pipeline;Username=u");

        Assert.Equal(DatabaseOptions.DefaultMaxAutoPrepare, configured.MaxAutoPrepare);
        Assert.Contains($"hnsw.ef_search={DatabaseOptions.DefaultHnswEfSearch}", configured.Options);
    }

    [Theory]
    [InlineData("Host=db;Database=pipeline;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=pipeline;MaxAutoPrepare=7", 7)]
    [InlineData("Host=db;Database=pipeline;max auto prepare=12", 12)]
    public void An_explicit_preparation_setting_is_kept_even_when_it_turns_preparation_off(string connectionString, int expected) =>
        Assert.Equal(expected, Configured(connectionString).MaxAutoPrepare);

    private static NpgsqlConnectionStringBuilder Configured(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{DatabaseOptions.ConnectionStringName}"] = connectionString })
            .Build();
        using var services = new ServiceCollection().AddPipelineDatabase(configuration).BuildServiceProvider();
        return new NpgsqlConnectionStringBuilder(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString);
    }
}
