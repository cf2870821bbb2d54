using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A saga instance's insert against a row another message wrote first (<see cref="SagaInsertSqlGenerator"/>).</summary>
public sealed class SagaInsertTests(SagaTestInfrastructure infrastructure) : IClassFixture<SagaTestInfrastructure>
{
    [Fact]
    public async Task An_instance_a_step_inserts_where_another_message_wrote_it_first_is_a_lost_race_logged_below_warning()
    {
        var tallyId = Guid.NewGuid();
        await using (var winner = infrastructure.CreateDbContext())
        {
            winner.Add(new TallyState { CorrelationId = tallyId, CurrentState = nameof(TallyStateMachine.Open), Opened = 1 });
            await winner.SaveChangesAsync();
        }

        using var logs = new RecordedLogs();
        using var logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await using var loser = infrastructure.CreateDbContext(logging);
        // A consume step's save runs in the step's transaction.
        await using var step = await loser.Database.BeginTransactionAsync();
        loser.Add(new TallyState { CorrelationId = tallyId, CurrentState = nameof(TallyStateMachine.Open), Opened = 7 });

        var failure = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => loser.SaveChangesAsync());

        Assert.True(SagaConflicts.IsConflict(failure));
        Assert.Empty(logs.AtOrAbove(LogLevel.Warning));
        Assert.Equal(1, (await infrastructure.FindTallyAsync(tallyId))!.Opened);
    }

    [Fact]
    public async Task An_instance_saved_outside_a_transaction_fails_on_its_key_and_the_rows_saved_with_it_are_not_written()
    {
        var (tallyId, outboxId) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var winner = infrastructure.CreateDbContext())
        {
            winner.Add(new TallyState { CorrelationId = tallyId, CurrentState = nameof(TallyStateMachine.Open), Opened = 1 });
            await winner.SaveChangesAsync();
        }

        await using var other = infrastructure.CreateDbContext();
        other.Add(new OutboxState { OutboxId = outboxId, Created = DateTime.UtcNow });
        other.Add(new TallyState { CorrelationId = tallyId, CurrentState = nameof(TallyStateMachine.Open), Opened = 7 });

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        await using var check = infrastructure.CreateDbContext();
        Assert.False(await check.Set<OutboxState>().AnyAsync(o => o.OutboxId == outboxId));
        Assert.Equal(1, (await infrastructure.FindTallyAsync(tallyId))!.Opened);
    }

    [Fact]
    public async Task A_row_that_is_not_a_saga_instance_still_fails_on_its_key()
    {
        var outboxId = Guid.NewGuid();
        await using (var first = infrastructure.CreateDbContext())
        {
            first.Add(new OutboxState { OutboxId = outboxId, Created = DateTime.UtcNow });
            await first.SaveChangesAsync();
        }

        await using var second = infrastructure.CreateDbContext();
        second.Add(new OutboxState { OutboxId = outboxId, Created = DateTime.UtcNow });

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => second.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
    }
}
