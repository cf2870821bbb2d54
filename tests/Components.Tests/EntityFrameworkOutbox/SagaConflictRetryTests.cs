using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.EntityFrameworkOutbox;
using Xunit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>When a saga message that lost a race runs again, and when it gives up.</summary>
public sealed class SagaConflictRetryTests
{
    [Fact]
    public async Task A_lost_race_runs_again_until_it_wins()
    {
        var attempts = 0;

        await Retry(limit: 5).ExecuteAsync(() => ++attempts < 3 ? throw new DbUpdateConcurrencyException("lost") : Task.CompletedTask, CancellationToken.None);

        Assert.Equal(3, attempts);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_race_lost_every_time_runs_once_plus_the_limit_and_then_fails_with_the_last_conflict(int limit)
    {
        var attempts = 0;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() =>
            Retry(limit).ExecuteAsync(() => { attempts++; throw new DbUpdateConcurrencyException("lost"); }, CancellationToken.None));

        Assert.Equal(limit + 1, attempts);
    }

    [Fact]
    public async Task A_failure_that_is_not_a_conflict_is_not_run_again()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Retry(limit: 5).ExecuteAsync(() => { attempts++; throw new InvalidOperationException("broken"); }, CancellationToken.None));

        Assert.Equal(1, attempts);
    }

    private static SagaConflictRetry<TallyState> Retry(int limit) => new(limit, NullLogger<SagaConflictRetry<TallyState>>.Instance);
}
