using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>
/// How fast and how safely the bus outbox delivers on the real broker and database. The host's backstop poll is 30 s,
/// so anything delivered sooner was delivered because its commit was signalled.
/// </summary>
public sealed class BusOutboxDeliveryTests(IsolatedInfrastructure infrastructure, ITestOutputHelper output) : IClassFixture<IsolatedInfrastructure>, IAsyncLifetime
{
    private static readonly TimeSpan WellBeforeThePoll = TimeSpan.FromSeconds(3);
    private IHost _host = null!;

    public async Task InitializeAsync() => _host = await OutboxTestHost.StartAsync(infrastructure.Configuration());

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private OutboxTestHost.Received Received => _host.Services.GetRequiredService<OutboxTestHost.Received>();

    [Fact]
    public async Task Publish_committed_with_SaveChanges_reaches_the_broker_within_milliseconds()
    {
        const int samples = 50;
        var latencies = new List<TimeSpan>(samples);
        for (var i = 0; i < samples; i++)
        {
            var orderId = Guid.NewGuid();
            await using (var scope = _host.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
                db.Add(Archived(orderId));
                await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));
                await db.SaveChangesAsync();
            }

            var committedAt = Stopwatch.GetTimestamp();
            await Eventually.TrueAsync(() => Task.FromResult(Received.ArrivedAt<OrderPlaced>(o => o.OrderId == orderId) is not null), WellBeforeThePoll,
                "a committed publish should be delivered on the commit signal, not the 30 s poll");
            latencies.Add(Stopwatch.GetElapsedTime(committedAt, Received.ArrivedAt<OrderPlaced>(o => o.OrderId == orderId)!.Value));
        }

        var sorted = latencies.Order().ToList();
        var p50 = sorted[samples / 2];
        var p95 = sorted[(int)(samples * 0.95)];
        output.WriteLine($"commit -> consumed: p50 {p50.TotalMilliseconds:F1} ms, p95 {p95.TotalMilliseconds:F1} ms, max {sorted[^1].TotalMilliseconds:F1} ms " +
                         $"(first after start {latencies[0].TotalMilliseconds:F1} ms)");
        Assert.True(p95 < TimeSpan.FromMilliseconds(500), $"p95 {p95.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Publish_committed_in_an_explicit_transaction_is_delivered_on_commit_not_on_the_poll()
    {
        var orderId = Guid.NewGuid();

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Add(Archived(orderId));
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));
            await db.SaveChangesAsync();
            // The delivery service must not be woken (and go back to sleep) before the rows are visible.
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            await transaction.CommitAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<OrderPlaced>().Any(o => o.OrderId == orderId)), WellBeforeThePoll,
            "the commit of the explicit transaction should wake the delivery service");
    }

    [Fact]
    public async Task A_committed_outbox_is_delivered_whole_on_commit_even_with_the_delivery_loop_stopped()
    {
        // The loop is only the backstop now: with it stopped and its poll 30 s away, only on-commit delivery can deliver.
        await StopDeliveryLoopAsync(_host);
        // More messages than one delivery transaction takes (MessageDeliveryLimit, 100 by default).
        var orderIds = Enumerable.Range(0, 150).Select(_ => Guid.NewGuid()).ToList();

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            db.Add(Archived(orderIds[0]));
            foreach (var orderId in orderIds)
                await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(orderIds.All(id => Received.Of<OrderPlaced>().Any(o => o.OrderId == id))), WellBeforeThePoll,
            "the committing process delivers its own outbox, all of it");
        await using var check = infrastructure.CreateDbContext();
        await Eventually.TrueAsync(async () => !await check.Set<OutboxState>().AnyAsync(), WellBeforeThePoll, "the delivered outbox is removed");
    }

    [Fact]
    public async Task On_commit_deliveries_beyond_their_limit_wait_in_memory_while_the_broker_holds_sends_and_all_go_out_after()
    {
        const int limit = 2;
        const int commits = 20;
        var held = new HeldSends();
        using var host = await StartHeldHostAsync(limit, held);
        var orderIds = Enumerable.Range(0, commits).Select(_ => Guid.NewGuid()).ToList();

        try
        {
            // Every commit returns to its caller although no send gets through: waiting deliveries hold no caller.
            await Task.WhenAll(orderIds.Select(orderId => Task.Run(() => PublishCommittedAsync(host, orderId))));
            await Eventually.TrueAsync(() => Task.FromResult(held.Held == limit), WellBeforeThePoll, "deliveries up to the limit should be sending");
            // Long enough for any delivery past the limit to have reached the broker too, were it not waiting its turn.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.Equal(limit, held.MostHeld);
            Assert.Empty(held.Sent);
        }
        finally
        {
            held.Open();
        }

        await Eventually.TrueAsync(() => Task.FromResult(orderIds.All(Arrived(host).Contains)), WellBeforeThePoll,
            "the waiting deliveries should all go out once sends pass");
        Assert.Equal(commits, held.Sent.Distinct().Count());
        Assert.Equal(commits, held.Sent.Count);
        Assert.Equal(limit, held.MostHeld);
        await host.StopAsync();
        await using var db = infrastructure.CreateDbContext();
        Assert.False(await db.Set<OutboxState>().AnyAsync(), "delivered outboxes are removed");
    }

    [Fact]
    public async Task Another_deliverer_leaves_alone_the_outboxes_their_committing_process_holds_while_it_delivers_them()
    {
        var held = new HeldSends();
        using var host = await StartHeldHostAsync(1, held);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await using var other = infrastructure.CreateDbContext();
        try
        {
            // The first is being sent from memory with no row lock; the second waits its turn in memory. Both are held.
            await PublishWhileTheFirstIsSendingAsync(host, held, first, second);
            await using (var claim = await other.Database.BeginTransactionAsync())
            {
                Assert.Empty(await ClaimNextAsync(other, EntityFrameworkOutboxConfigurator.DefaultOnCommitHold));
                await claim.CommitAsync();
            }

            held.Open();
            await Eventually.TrueAsync(() => Task.FromResult(Arrived(host).Contains(first) && Arrived(host).Contains(second)), WellBeforeThePoll,
                "both outboxes should go out once the broker answers");
        }
        finally
        {
            held.Open();
        }

        await Eventually.TrueAsync(async () => !await other.Set<OutboxState>().AnyAsync(), WellBeforeThePoll, "both outboxes are removed once sent");
        Assert.Equal(2, held.Sent.Count);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_hung_holders_outbox_is_delivered_by_the_delivery_service_once_its_hold_has_passed()
    {
        var hold = TimeSpan.FromSeconds(2);
        var held = new HeldSends();
        await StopDeliveryLoopAsync(_host);
        using var hung = await OutboxTestHost.StartAsync(infrastructure.Configuration(), outbox: o => Hold(o, hold));
        await StopDeliveryLoopAsync(hung);
        hung.Services.GetRequiredService<IBusControl>().ConnectSendObserver(held);
        using var service = await OutboxTestHost.StartAsync(infrastructure.Configuration(), outbox: o =>
        {
            Hold(o, hold);
            o.QueryDelay = TimeSpan.FromMilliseconds(100);
        });
        var orderId = Guid.NewGuid();
        try
        {
            var committed = Stopwatch.GetTimestamp();
            await PublishCommittedAsync(hung, orderId);
            await Eventually.TrueAsync(() => Task.FromResult(held.Held == 1), WellBeforeThePoll, "the holder's delivery should be sending");

            await Eventually.TrueAsync(() => Task.FromResult(Arrived(service).Contains(orderId)), hold + WellBeforeThePoll,
                "the delivery service should send the outbox once its hold has passed");
            var arrived = service.Services.GetRequiredService<OutboxTestHost.Received>().ArrivedAt<OrderPlaced>(o => o.OrderId == orderId)
                          ?? Received.ArrivedAt<OrderPlaced>(o => o.OrderId == orderId)!.Value;
            Assert.True(Stopwatch.GetElapsedTime(committed, arrived) >= hold, "nobody else sends a held outbox before its hold has passed");
        }
        finally
        {
            held.Open();
        }

        await service.StopAsync();
        await hung.StopAsync();
    }

    [Fact]
    public async Task A_waiting_delivery_sends_nothing_of_an_outbox_another_deliverer_has_claimed()
    {
        var held = new HeldSends();
        // No holds: every delivery claims its outbox's row before it sends.
        using var host = await StartHeldHostAsync(1, held, TimeSpan.Zero);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await using var other = infrastructure.CreateDbContext();
        try
        {
            // The second waits its turn in memory, with its messages, while another deliverer claims its row: the only
            // row not locked by the first's delivery.
            await PublishWhileTheFirstIsSendingAsync(host, held, first, second);
            await using var claim = await other.Database.BeginTransactionAsync();
            var claimed = await ClaimNextAsync(other, EntityFrameworkOutboxConfigurator.DefaultOnCommitHold);
            Assert.Single(claimed);
            await AssertOtherDelivererWinsAsync(host, held, other, claim, claimed[0].OutboxId, first);
        }
        finally
        {
            held.Open();
        }

        await AssertOnlyFirstWentOutAsync(host, held, other, second);
    }

    [Fact]
    public async Task A_delivery_that_waited_past_its_hold_claims_first_and_sends_nothing_of_an_outbox_another_deliverer_has_claimed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var held = new HeldSends();
        using var host = await StartHeldHostAsync(1, held, clock: clock);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await using var other = infrastructure.CreateDbContext();
        try
        {
            // The second waits its turn in memory until its hold has passed, and another deliverer claims its row meanwhile.
            await PublishWhileTheFirstIsSendingAsync(host, held, first, second);
            clock.Advance(EntityFrameworkOutboxConfigurator.DefaultOnCommitHold);
            var secondOutbox = (await other.Set<OutboxMessage>().Where(m => m.Body.Contains(second.ToString())).Select(m => m.OutboxId).SingleAsync())!.Value;
            await using var claim = await other.Database.BeginTransactionAsync();
            var claimed = await other.Set<OutboxState>().FromSqlRaw(OutboxLockStatements.OutboxById(other), secondOutbox).ToListAsync();
            Assert.Single(claimed);
            await AssertOtherDelivererWinsAsync(host, held, other, claim, secondOutbox, first);
        }
        finally
        {
            held.Open();
        }

        await AssertOnlyFirstWentOutAsync(host, held, other, second);
    }

    /// <summary>Lets the first outbox go out, gives the waiting delivery time to find its row claimed, then plays the other deliverer to the end.</summary>
    private async Task AssertOtherDelivererWinsAsync(IHost host, HeldSends held, PipelineDbContext other,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction claim, Guid claimedOutbox, Guid first)
    {
        held.Open();
        await Eventually.TrueAsync(() => Task.FromResult(Arrived(host).Contains(first)), WellBeforeThePoll, "the first outbox should go out");
        // Long enough for the waiting delivery to have found the row claimed and given up.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        // The other deliverer sent it (not observed here) and removes it.
        await other.Set<OutboxMessage>().Where(m => m.OutboxId == claimedOutbox).ExecuteDeleteAsync();
        await other.Set<OutboxState>().Where(s => s.OutboxId == claimedOutbox).ExecuteDeleteAsync();
        await claim.CommitAsync();
    }

    private async Task AssertOnlyFirstWentOutAsync(IHost host, HeldSends held, PipelineDbContext other, Guid second)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Single(held.Sent);
        Assert.DoesNotContain(second, Arrived(host));
        Assert.False(await other.Set<OutboxState>().AnyAsync(), "both outboxes are gone");
        await host.StopAsync();
    }

    [Fact]
    public async Task Two_delivery_services_drain_a_backlog_exactly_once()
    {
        const int writers = 8;
        const int outboxesPerWriter = 50;
        var counter = new SendCounter();
        using var competitor = await DeliveryOnlyHost.StartAsync(infrastructure.Configuration(), counter);
        var orderIds = Enumerable.Range(0, writers * outboxesPerWriter).Select(_ => Guid.NewGuid()).ToList();

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(orderIds.Chunk(outboxesPerWriter).Select(chunk => Task.Run(async () =>
        {
            foreach (var orderId in chunk)
            {
                await using var scope = _host.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));
                await scope.ServiceProvider.GetRequiredService<PipelineDbContext>().SaveChangesAsync();
            }
        })));
        var written = Stopwatch.GetElapsedTime(started);
        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<OrderPlaced>().Count >= orderIds.Count), TimeSpan.FromSeconds(60),
            "every committed outbox should be delivered");
        var drained = Stopwatch.GetElapsedTime(started);
        await Task.Delay(TimeSpan.FromSeconds(2));

        await competitor.StopAsync();
        output.WriteLine($"{orderIds.Count} outboxes: written in {written.TotalMilliseconds:F0} ms, all consumed after {drained.TotalMilliseconds:F0} ms " +
                         $"({orderIds.Count / drained.TotalSeconds:F0}/s); the second delivery service sent {counter.Sent}");
        var received = Received.Of<OrderPlaced>().Select(o => o.OrderId).ToList();
        Assert.Equal(orderIds.Count, received.Count);
        Assert.Equal(orderIds.Order(), received.Order());
        await using var db = infrastructure.CreateDbContext();
        Assert.False(await db.Set<OutboxState>().AnyAsync(), "delivered outboxes are removed");
        Assert.False(await db.Set<OutboxMessage>().AnyAsync(), "delivered messages are removed");
    }

    /// <summary>
    /// A second host whose sends are held by <paramref name="held"/> and that delivers at most <paramref name="limit"/>
    /// outboxes at once; only on-commit delivery sends, as both hosts' backstop loops are stopped.
    /// </summary>
    private async Task<IHost> StartHeldHostAsync(int limit, HeldSends held, TimeSpan? hold = null, TimeProvider? clock = null)
    {
        await StopDeliveryLoopAsync(_host);
        var host = await OutboxTestHost.StartAsync(infrastructure.Configuration(), services: s =>
        {
            if (clock is not null)
                s.AddSingleton(clock);
        }, outbox: o =>
        {
            o.OnCommitDeliveryLimit = limit;
            if (hold is { } given)
                Hold(o, given);
        });
        await StopDeliveryLoopAsync(host);
        host.Services.GetRequiredService<IBusControl>().ConnectSendObserver(held);
        return host;
    }

    /// <summary>A hold short enough to wait out in a test, with a delivery timeout shorter still, as the outbox requires.</summary>
    private static void Hold(EntityFrameworkOutboxConfigurator outbox, TimeSpan hold)
    {
        outbox.OnCommitHold = hold;
        if (hold > TimeSpan.Zero)
            outbox.MessageDeliveryTimeout = hold / 2;
    }

    /// <summary>What a delivery service whose hold is <paramref name="hold"/> would claim now, in the caller's transaction.</summary>
    private static Task<List<OutboxState>> ClaimNextAsync(PipelineDbContext db, TimeSpan hold) =>
        db.Set<OutboxState>().FromSqlRaw(OutboxLockStatements.NextOutbox(db), DateTime.UtcNow - hold).ToListAsync();

    /// <summary>Commits <paramref name="first"/>, waits until its delivery is sending (held), then commits <paramref name="second"/>.</summary>
    private static async Task PublishWhileTheFirstIsSendingAsync(IHost host, HeldSends held, Guid first, Guid second)
    {
        await PublishCommittedAsync(host, first);
        await Eventually.TrueAsync(() => Task.FromResult(held.Held == 1), WellBeforeThePoll, "the first outbox's delivery should be sending");
        await PublishCommittedAsync(host, second);
    }

    private static async Task PublishCommittedAsync(IHost host, Guid orderId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));
        await scope.ServiceProvider.GetRequiredService<PipelineDbContext>().SaveChangesAsync();
    }

    /// <summary>Both hosts consume the observed queue, so what arrived is what either of them saw.</summary>
    private IEnumerable<Guid> Arrived(IHost host) =>
        Received.Of<OrderPlaced>().Concat(host.Services.GetRequiredService<OutboxTestHost.Received>().Of<OrderPlaced>()).Select(o => o.OrderId);

    private static Task StopDeliveryLoopAsync(IHost host) =>
        host.Services.GetServices<IHostedService>().OfType<BusOutboxDeliveryService<PipelineDbContext>>().Single().StopAsync(CancellationToken.None);

    private static ArchivedChatRequest Archived(Guid id) => new()
    {
        RequestId = id, ConversationId = id, Message = "outbox test", BucketingKey = "test", RequestedAt = DateTime.UtcNow,
    };
}
