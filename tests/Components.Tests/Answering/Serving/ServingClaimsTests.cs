using Microsoft.EntityFrameworkCore;
using Pipeline.Answering.Serving;
using Pipeline.Persistence.Serving;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Answering.Serving;

/// <summary>The race between a worker serving an attempt and the saga giving up on it, on the real database.</summary>
public sealed class ServingClaimsTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>
{
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public async Task An_attempt_the_saga_abandoned_can_no_longer_be_served()
    {
        var request = Guid.NewGuid();
        await using var saga = infrastructure.CreateDbContext();
        await using var worker = infrastructure.CreateDbContext();

        Assert.True(await ServingClaims.TryAbandonAsync(saga, request, 1, Now, CancellationToken.None));
        Assert.False(await ServingClaims.TryServeAsync(worker, request, 1, Now, CancellationToken.None));
        // The fallback's own attempt is a fresh claim.
        Assert.True(await ServingClaims.TryServeAsync(worker, request, 2, Now, CancellationToken.None));
    }

    [Fact]
    public async Task A_served_attempt_can_no_longer_be_abandoned()
    {
        var request = Guid.NewGuid();
        await using var worker = infrastructure.CreateDbContext();
        await using var saga = infrastructure.CreateDbContext();

        Assert.True(await ServingClaims.TryServeAsync(worker, request, 1, Now, CancellationToken.None));
        Assert.False(await ServingClaims.TryAbandonAsync(saga, request, 1, Now, CancellationToken.None));
        Assert.False(await ServingClaims.TryServeAsync(worker, request, 1, Now, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_that_opens_a_savepoint_counts_only_the_claim_and_keeps_it_when_what_follows_is_undone()
    {
        var request = Guid.NewGuid();
        await using var worker = infrastructure.CreateDbContext();
        await using var saga = infrastructure.CreateDbContext();
        await using (var transaction = await worker.Database.BeginTransactionAsync())
        {
            Assert.True(await ServingClaims.TryServeAsync(worker, request, 1, Now, "effects", CancellationToken.None));
            Assert.False(await ServingClaims.TryServeAsync(worker, request, 1, Now, "effects_again", CancellationToken.None));

            // A failed save after the claim aborts the transaction; back at the savepoint the claim is still there.
            await Assert.ThrowsAnyAsync<Exception>(() => worker.Database.ExecuteSqlRawAsync("SELECT 1 / 0"));
            await worker.Database.ExecuteSqlRawAsync("ROLLBACK TO SAVEPOINT effects");
            await transaction.CommitAsync();
        }

        Assert.False(await ServingClaims.TryAbandonAsync(saga, request, 1, Now, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_waits_for_an_uncommitted_rival_and_loses_if_it_commits()
    {
        var request = Guid.NewGuid();
        await using var worker = infrastructure.CreateDbContext();
        await using var saga = infrastructure.CreateDbContext();
        await using var workerTransaction = await worker.Database.BeginTransactionAsync();
        Assert.True(await ServingClaims.TryServeAsync(worker, request, 1, Now, CancellationToken.None));

        var abandon = ServingClaims.TryAbandonAsync(saga, request, 1, Now, CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(abandon.IsCompleted, "the saga's claim must wait for the worker's transaction");
        await workerTransaction.CommitAsync();

        Assert.False(await abandon);
    }

    [Fact]
    public async Task A_rolled_back_claim_leaves_the_attempt_to_its_rival()
    {
        var request = Guid.NewGuid();
        await using var worker = infrastructure.CreateDbContext();
        await using var saga = infrastructure.CreateDbContext();
        await using var workerTransaction = await worker.Database.BeginTransactionAsync();
        Assert.True(await ServingClaims.TryServeAsync(worker, request, 1, Now, CancellationToken.None));

        var abandon = ServingClaims.TryAbandonAsync(saga, request, 1, Now, CancellationToken.None);
        await workerTransaction.RollbackAsync();

        Assert.True(await abandon);
        await using var db = infrastructure.CreateDbContext();
        var claim = await db.Set<ServingClaim>().SingleAsync(c => c.RequestId == request);
        Assert.Equal(ServingClaims.Abandoned, claim.Outcome);
    }
}
