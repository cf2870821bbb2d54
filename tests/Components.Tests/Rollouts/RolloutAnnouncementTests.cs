using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Rollouts;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Rollouts;

/// <summary>
/// Every flag change the rollout controller makes is announced by <c>FlagChanged</c> through the bus outbox, so other
/// processes hear it at once instead of at their next snapshot poll; on the real database and broker.
/// </summary>
public sealed class RolloutAnnouncementTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>, IAsyncLifetime
{
    private const int MinSamples = 30;
    private static readonly TimeSpan WellBeforeThePoll = TimeSpan.FromSeconds(10);
    private static readonly RolloutPlan ShadowThenHalf = new([RolloutStage.Shadow, new RolloutStage(50)], MinSamples, TimeSpan.FromHours(1));
    private IHost _host = null!;

    public async Task InitializeAsync() => _host = await RolloutTestHost.StartAsync(infrastructure.Configuration());

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private RolloutTestHost.Announcements Announcements => _host.Services.GetRequiredService<RolloutTestHost.Announcements>();

    [Fact]
    public async Task Two_rollouts_changing_in_one_run_both_announce_their_flags()
    {
        string[] flags = ["announced-first", "announced-second"];
        await CreateFlagsAsync(flags);
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var conductor = scope.ServiceProvider.GetRequiredService<RolloutConductor>();
            foreach (var flag in flags)
                Assert.Equal(RolloutStartOutcome.Started, (await conductor.StartAsync(flag, ShadowThenHalf, "test", CancellationToken.None)).Outcome);
        }

        // Both shadows disagree with the legacy answers every time: one evaluation rolls both back, one transaction each.
        await AddMismatchesAsync(flags);
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            using var delivered = _host.Services.GetRequiredService<DeliveredBetweenTransactions>().Watch(scope.ServiceProvider.GetRequiredService<PipelineDbContext>());
            Assert.True(await scope.ServiceProvider.GetRequiredService<RolloutConductor>().EvaluateAsync(CancellationToken.None));
        }

        await using var db = infrastructure.CreateDbContext();
        var changed = await db.Set<FeatureFlag>().AsNoTracking().Where(f => flags.Contains(f.Name)).ToListAsync();
        Assert.Equal(flags.Length, changed.Count(f => f.Status == FlagStatus.Disabled));
        await Eventually.TrueAsync(() => Task.FromResult(changed.All(f => Announcements.Heard(f.Name, f.Version))), WellBeforeThePoll,
            "each flag the evaluation changed should be announced: " + string.Join(", ", changed.Select(f => $"{f.Name} v{f.Version}")));
        Assert.False(await db.Set<OutboxMessage>().AnyAsync(), "no announcement may be left in the outbox without an outbox to deliver it");
    }

    private async Task CreateFlagsAsync(IEnumerable<string> names)
    {
        await using var db = infrastructure.CreateDbContext();
        var now = DateTime.UtcNow;
        foreach (var name in names)
        {
            db.Add(new FeatureFlag
            {
                Id = Guid.NewGuid(), Name = name, Status = FlagStatus.Disabled, Description = "rollout announcement test",
                CreatedAt = now, UpdatedAt = now, UpdatedBy = "test", Version = 1,
            });
        }

        await db.SaveChangesAsync();
    }

    private async Task AddMismatchesAsync(IEnumerable<string> flags)
    {
        await using var db = infrastructure.CreateDbContext();
        var now = DateTime.UtcNow;
        foreach (var flag in flags)
        {
            for (var i = 0; i < MinSamples; i++)
            {
                db.Add(new Comparison
                {
                    Id = Guid.NewGuid(), RequestId = Guid.NewGuid(), FlagName = flag, Kind = "answer", Match = false,
                    NewOutcome = "completed", OldDurationMs = 50, NewDurationMs = 50, CreatedAt = now,
                });
            }
        }

        await db.SaveChangesAsync();
    }
}
