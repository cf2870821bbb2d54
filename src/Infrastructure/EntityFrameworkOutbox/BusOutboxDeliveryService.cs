using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// Delivers committed bus-outbox messages: claims the oldest outbox with <c>FOR UPDATE SKIP LOCKED</c> (so several
/// instances never send the same one), sends its messages in order, removes them, and repeats until none is left;
/// then sleeps until notified of a commit or the backstop delay passes.
/// </summary>
public sealed partial class BusOutboxDeliveryService<TDbContext>(
    IBusControl bus,
    IBusOutboxNotification notification,
    IServiceScopeFactory scopes,
    IOptions<OutboxDeliveryServiceOptions> options,
    IOptions<EntityFrameworkOutboxOptions<TDbContext>> outboxOptions,
    ILogger<BusOutboxDeliveryService<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    private static readonly TimeSpan BusWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FaultPause = TimeSpan.FromSeconds(1);
    private string? _nextOutboxStatement;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
                {
                    await Task.Delay(FaultPause, stoppingToken);
                    continue;
                }

                var delivered = await DeliverAvailableAsync(stoppingToken);
                if (delivered > 0)
                    continue;

                // Until a commit is signalled or the backstop delay passes (commits of other processes, explicit transactions).
                await notification.WaitForDelivery(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogDeliveryFaulted(ex);
                await Task.Delay(FaultPause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Delivers outboxes until none is ready or the per-run limit is reached; returns messages sent.</summary>
    public async Task<int> DeliverAvailableAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < options.Value.QueryMessageLimit)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            _nextOutboxStatement ??= OutboxLockStatements.NextOutbox(db);
            var strategy = db.Database.CreateExecutionStrategy();
            var sent = await strategy.ExecuteAsync(() => DeliverOneOutboxAsync(db, cancellationToken));
            if (sent < 0)
                break;
            total += sent;
        }

        return total;
    }

    private async Task<int> DeliverOneOutboxAsync(TDbContext db, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.QueryTimeout);
        await using var transaction = await db.Database.BeginTransactionAsync(outboxOptions.Value.IsolationLevel, timeout.Token);
        try
        {
            var state = (await db.Set<OutboxState>().FromSqlRaw(_nextOutboxStatement!).AsTracking().ToListAsync(timeout.Token)).SingleOrDefault();
            if (state is null)
            {
                await transaction.CommitAsync(cancellationToken);
                return -1;
            }

            state.LockId = NewId.NextGuid();
            var sent = await SendMessagesAsync(db, state, cancellationToken);
            await db.SaveChangesWithoutSavepointAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return sent;
        }
        catch
        {
            await transaction.RollBackQuietlyAsync();
            throw;
        }
    }

    private async Task<int> SendMessagesAsync(TDbContext db, OutboxState state, CancellationToken cancellationToken)
    {
        var last = state.LastSequenceNumber ?? 0;
        var limit = options.Value.MessageDeliveryLimit;
        var messages = await db.Set<OutboxMessage>()
            .Where(m => m.OutboxId == state.OutboxId && m.SequenceNumber > last)
            .OrderBy(m => m.SequenceNumber)
            .Take(limit)
            .AsTracking()
            .ToListAsync(cancellationToken);

        var sent = 0;
        foreach (var message in messages)
        {
            message.Deserialize(SystemTextJsonMessageSerializer.Instance);
            if (message.DestinationAddress is null)
            {
                LogNoDestination(message.SequenceNumber, message.MessageId);
            }
            else
            {
                using var sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                sendTimeout.CancelAfter(options.Value.MessageDeliveryTimeout);
                var endpoint = await bus.GetSendEndpoint(message.DestinationAddress);
                // Sent before it is removed: a crash in between redelivers it (at-least-once); consumers' inboxes de-duplicate.
                await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, message.DestinationAddress), sendTimeout.Token);
            }

            db.Remove(message);
            state.LastSequenceNumber = message.SequenceNumber;
            sent++;
        }

        if (messages.Count < limit)
        {
            // Everything of this outbox is out: it is finished.
            db.Remove(state);
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox delivery faulted; retrying")]
    private partial void LogDeliveryFaulted(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {SequenceNumber} ({MessageId}) has no destination and is dropped")]
    private partial void LogNoDestination(long sequenceNumber, Guid messageId);
}
