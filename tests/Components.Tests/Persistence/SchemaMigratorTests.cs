using System.Collections.Concurrent;
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
            var logs = new RecordingLoggerProvider();
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{DatabaseOptions.ConnectionStringName}"] = connectionString })
                .Build();
            await using var services = new ServiceCollection()
                .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
                .AddPipelineDatabase(configuration)
                .BuildServiceProvider();

            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);

            Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}"));
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

    private sealed record LogEntry(string Category, LogLevel Level, string Message);

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, Entries);

        public void Dispose()
        {
        }
    }

    private sealed class RecordingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
    }
}
