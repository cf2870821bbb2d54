using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pipeline.Components.Tests.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Persistence;

/// <summary>A save that is one batch of inserts is one round trip, and still all or nothing.</summary>
public sealed class InsertBatchTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>
{
    [Fact]
    public async Task A_save_of_inserts_only_is_one_command_with_no_transaction_of_its_own()
    {
        var statements = new StatementLog();
        await using var db = LoggedContext(statements);
        var requests = new[] { Archived(), Archived(), Archived() };
        db.AddRange(requests);

        await db.SaveChangesAsync();

        Assert.Equal(1, statements.Commands);
        Assert.Equal(0, statements.Transactions);
        var ids = requests.Select(r => r.RequestId).ToList();
        Assert.Equal(3, await db.Set<ArchivedChatRequest>().CountAsync(r => ids.Contains(r.RequestId)));
    }

    [Fact]
    public async Task A_batch_of_inserts_whose_last_insert_fails_stores_none_of_them()
    {
        var taken = await StoredAsync();

        var statements = new StatementLog();
        await using var context = LoggedContext(statements);
        var before = new[] { Archived(), Archived() };
        context.AddRange(before);
        context.Add(Archived(taken.RequestId));

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        Assert.Equal(1, statements.Commands);
        Assert.Equal(0, statements.Transactions);
        await using var read = infrastructure.CreateDbContext();
        var ids = before.Select(r => r.RequestId).ToList();
        Assert.Equal(0, await read.Set<ArchivedChatRequest>().CountAsync(r => ids.Contains(r.RequestId)));
    }

    [Fact]
    public async Task A_save_that_also_updates_keeps_EFs_transaction()
    {
        var existing = await StoredAsync();

        var statements = new StatementLog();
        await using var context = LoggedContext(statements);
        var tracked = await context.Set<ArchivedChatRequest>().AsTracking().SingleAsync(r => r.RequestId == existing.RequestId);
        tracked.Message = "changed";
        context.Add(Archived());

        await context.SaveChangesAsync();

        Assert.Equal(1, statements.Transactions);
        await using var read = infrastructure.CreateDbContext();
        Assert.Equal("changed", (await read.Set<ArchivedChatRequest>().SingleAsync(r => r.RequestId == existing.RequestId)).Message);
    }

    /// <summary>A context as the hosts configure it, with <paramref name="statements"/> recording what it sends.</summary>
    private PipelineDbContext LoggedContext(StatementLog statements)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddPipelineDatabase(infrastructure.Configuration());
        services.ConfigureDbContext<PipelineDbContext>(options => options.AddInterceptors(statements), ServiceLifetime.Singleton);
        return services.BuildServiceProvider().CreateScope().ServiceProvider.GetRequiredService<PipelineDbContext>();
    }

    private async Task<ArchivedChatRequest> StoredAsync()
    {
        var request = Archived();
        await using var db = infrastructure.CreateDbContext();
        db.Add(request);
        await db.SaveChangesAsync();
        return request;
    }

    private static ArchivedChatRequest Archived(Guid? requestId = null) => new()
    {
        RequestId = requestId ?? Guid.NewGuid(),
        ConversationId = Guid.NewGuid(),
        Message = "What does Article 5 of the GDPR require?",
        BucketingKey = "insert-batch-tests",
        RequestedAt = DateTime.UtcNow,
    };
}
