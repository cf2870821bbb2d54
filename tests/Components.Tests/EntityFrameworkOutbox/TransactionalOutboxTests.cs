using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Platform.Hosting;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>The rebuilt EF outbox and inbox on the real RabbitMQ and PostgreSQL.</summary>
public sealed class TransactionalOutboxTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>, IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private IHost _host = null!;

    public async Task InitializeAsync() => _host = await OutboxTestHost.StartAsync(infrastructure.Configuration());

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private OutboxTestHost.Received Received => _host.Services.GetRequiredService<OutboxTestHost.Received>();

    [Fact]
    public async Task Publish_committed_with_a_business_row_is_delivered_once()
    {
        var orderId = Guid.NewGuid();

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            db.Add(Archived(orderId));
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<OrderPlaced>().Any(o => o.OrderId == orderId)));
        await Task.Delay(Settle);
        Assert.Single(Received.Of<OrderPlaced>(), o => o.OrderId == orderId);
        await using var check = infrastructure.CreateDbContext();
        Assert.False(await check.Set<OutboxMessage>().AnyAsync(), "delivered messages are removed from the outbox");
    }

    [Fact]
    public async Task Publish_in_a_rolled_back_transaction_is_never_delivered()
    {
        var orderId = Guid.NewGuid();

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Add(Archived(orderId));
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        // A later, committed publish proves delivery works meanwhile, so the absence below is not a stalled outbox.
        var witness = Guid.NewGuid();
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            db.Add(Archived(witness));
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(witness));
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<OrderPlaced>().Any(o => o.OrderId == witness)));
        await Task.Delay(Settle);
        Assert.DoesNotContain(Received.Of<OrderPlaced>(), o => o.OrderId == orderId);
        await using var check = infrastructure.CreateDbContext();
        Assert.False(await check.Set<ArchivedChatRequest>().AnyAsync(r => r.RequestId == orderId));
    }

    [Fact]
    public async Task Publish_never_saved_is_never_delivered()
    {
        var orderId = Guid.NewGuid();
        await using (var scope = _host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OrderPlaced(orderId));

        await Task.Delay(Settle);
        Assert.DoesNotContain(Received.Of<OrderPlaced>(), o => o.OrderId == orderId);
    }

    [Fact]
    public async Task Publish_retried_after_a_failed_save_and_a_cleared_tracker_is_delivered()
    {
        // The kill switch's retry: a save that fails, the change tracker cleared, the change made and published again.
        var taken = Guid.NewGuid();
        await using (var db = infrastructure.CreateDbContext())
        {
            db.Add(Archived(taken));
            await db.SaveChangesAsync();
        }

        var orderId = Guid.NewGuid();
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            db.Add(Archived(taken));
            await publish.Publish(new OrderPlaced(taken));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.Add(Archived(orderId));
            await publish.Publish(new OrderPlaced(orderId));
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<OrderPlaced>().Any(o => o.OrderId == orderId)), because:
            "the retried publish should be delivered");
        await Task.Delay(Settle);
        Assert.DoesNotContain(Received.Of<OrderPlaced>(), o => o.OrderId == taken);
        await using var check = infrastructure.CreateDbContext();
        Assert.False(await check.Set<OutboxMessage>().AnyAsync(), "no message may be left in the outbox without an outbox to deliver it");
    }

    [Fact]
    public async Task The_same_message_delivered_twice_is_consumed_once()
    {
        var visitId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{OutboxTestHost.VisitsQueue}"));

        await endpoint.Send(new RecordVisit(visitId, Fail: false), c => c.MessageId = messageId);
        await endpoint.Send(new RecordVisit(visitId, Fail: false), c => c.MessageId = messageId);

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<VisitRecorded>().Any(v => v.VisitId == visitId)));
        await Eventually.TrueAsync(async () =>
        {
            await using var db = infrastructure.CreateDbContext();
            return await db.Set<InboxState>().AnyAsync(i => i.MessageId == messageId && i.ReceiveCount >= 1 && i.Delivered != null);
        }, because: "the duplicate should reach the inbox");
        await Task.Delay(Settle);
        Assert.Single(Received.Of<RecordVisit>(), v => v.VisitId == visitId);
        Assert.Single(Received.Of<VisitRecorded>(), v => v.VisitId == visitId);
    }

    [Fact]
    public async Task A_consumer_outbox_larger_than_one_delivery_batch_is_delivered_whole_and_once()
    {
        var visitId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var limit = new EntityFrameworkOutboxOptions<PipelineDbContext>().MessageDeliveryLimit;
        var echoes = (2 * limit) + (limit / 2);
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{OutboxTestHost.VisitsQueue}"));

        await endpoint.Send(new RecordVisit(visitId, Fail: false, Echoes: echoes), c => c.MessageId = messageId);

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<VisitRecorded>().Count(v => v.VisitId == visitId) >= echoes),
            TimeSpan.FromSeconds(30), "every captured event should be delivered");
        await Eventually.TrueAsync(async () =>
        {
            await using var db = infrastructure.CreateDbContext();
            return await db.Set<InboxState>().AnyAsync(i => i.MessageId == messageId && i.Delivered != null);
        }, because: "the inbox row should be marked delivered");
        await Task.Delay(Settle);
        var delivered = Received.Of<VisitRecorded>().Where(v => v.VisitId == visitId).Select(v => v.Echo).ToList();
        Assert.Equal(Enumerable.Range(0, echoes), delivered.Order());
        await using var check = infrastructure.CreateDbContext();
        Assert.False(await check.Set<OutboxMessage>().AnyAsync(), "delivered messages are removed from the outbox");
    }

    [Fact]
    public async Task A_row_the_consumer_leaves_to_the_outbox_save_is_committed_with_its_captured_messages()
    {
        var visitId = Guid.NewGuid();
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{OutboxTestHost.VisitsQueue}"));

        await endpoint.Send(new RecordVisit(visitId, Fail: false, ArchiveUnsaved: true));

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<VisitRecorded>().Any(v => v.VisitId == visitId)));
        await using var db = infrastructure.CreateDbContext();
        Assert.True(await db.Set<ArchivedChatRequest>().AnyAsync(a => a.RequestId == visitId),
            "the consumer's unsaved row must be saved and committed with the step that sent its event");
    }

    [Fact]
    public async Task A_consumer_that_throws_publishes_nothing()
    {
        var visitId = Guid.NewGuid();
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{OutboxTestHost.VisitsQueue}"));

        await endpoint.Send(new RecordVisit(visitId, Fail: true));

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<RecordVisit>().Any(v => v.VisitId == visitId)));
        await Task.Delay(Settle);
        Assert.DoesNotContain(Received.Of<VisitRecorded>(), v => v.VisitId == visitId);
        await using var db = infrastructure.CreateDbContext();
        Assert.False(await db.Set<OutboxMessage>().AnyAsync(), "the failed consumer's captured publish must not survive");
    }

    [Fact]
    public async Task No_inbox_claim_outlives_its_message_whether_consumed_or_failed()
    {
        var delivered = Guid.NewGuid();
        var failed = Guid.NewGuid();
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{OutboxTestHost.VisitsQueue}"));

        await endpoint.Send(new RecordVisit(delivered, Fail: false, Echoes: 3));
        await endpoint.Send(new RecordVisit(failed, Fail: true));

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<VisitRecorded>().Count(v => v.VisitId == delivered) == 3));
        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<RecordVisit>().Any(v => v.VisitId == failed)));
        await Task.Delay(Settle);
        await using var db = infrastructure.CreateDbContext();
        // Inbox claims are the only two-key advisory locks (objsubid 2) the system takes.
        var claims = await db.Database
            .SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
            .SingleAsync();
        Assert.Equal(0, claims);
        var inbox = await db.Set<InboxState>().Where(i => i.Delivered != null).OrderByDescending(i => i.Id).FirstAsync();
        Assert.NotNull(inbox.LastSequenceNumber);
        Assert.False(await db.Set<OutboxMessage>().AnyAsync(), "delivered messages are removed and the failed consumer's captured ones never saved");
    }

    [Fact]
    public async Task A_delivery_that_fails_after_the_commit_is_retried_from_the_stored_messages_and_arrives_once()
    {
        var visitId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{OutboxTestHost.RelaysQueue}"));

        await endpoint.Send(new RelayVisit(visitId), c => c.MessageId = messageId);

        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<VisitRecorded>().Any(v => v.VisitId == visitId)), because: "the retry should deliver the stored event");
        await Eventually.TrueAsync(async () =>
        {
            await using var db = infrastructure.CreateDbContext();
            return await db.Set<InboxState>().AnyAsync(i => i.MessageId == messageId && i.Delivered != null);
        }, because: "the inbox row should be marked delivered");
        await Task.Delay(Settle);
        Assert.Single(Received.Of<RelayVisit>(), v => v.VisitId == visitId);
        Assert.Single(Received.Of<VisitRecorded>(), v => v.VisitId == visitId);
        await using var check = infrastructure.CreateDbContext();
        var row = await check.Set<InboxState>().SingleAsync(i => i.MessageId == messageId);
        Assert.Equal(2, row.ReceiveCount);
        Assert.False(await check.Set<OutboxMessage>().AnyAsync(), "delivered messages are removed from the outbox");
    }

    [Fact]
    public async Task Cleanup_removes_inbox_rows_past_the_duplicate_detection_window_and_keeps_recent_ones()
    {
        await using (var db = infrastructure.CreateDbContext())
        {
            db.Add(new InboxState { MessageId = Guid.NewGuid(), ConsumerId = Guid.NewGuid(), Received = DateTime.UtcNow.AddHours(-2), Delivered = DateTime.UtcNow.AddHours(-2) });
            db.Add(new InboxState { MessageId = Guid.NewGuid(), ConsumerId = Guid.NewGuid(), Received = DateTime.UtcNow, Delivered = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        Assert.Single(_host.Services.GetServices<IHostedService>().OfType<InboxCleanupService<PipelineDbContext>>());
        await using var scope = _host.Services.CreateAsyncScope();
        var cleanup = scope.ServiceProvider.GetRequiredService<InboxCleanup<PipelineDbContext>>();
        var removed = await cleanup.RemoveExpiredAsync(CancellationToken.None);

        Assert.True(removed >= 1);
        await using var check = infrastructure.CreateDbContext();
        Assert.False(await check.Set<InboxState>().AnyAsync(i => i.Delivered < DateTime.UtcNow.AddHours(-1)));
        Assert.True(await check.Set<InboxState>().AnyAsync(i => i.Delivered > DateTime.UtcNow.AddMinutes(-5)));
    }

    private static ArchivedChatRequest Archived(Guid id) => new()
    {
        RequestId = id, ConversationId = id, Message = "outbox test", BucketingKey = "test", RequestedAt = DateTime.UtcNow,
    };
}
