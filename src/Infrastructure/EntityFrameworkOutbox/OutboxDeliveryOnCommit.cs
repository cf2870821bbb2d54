using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// Delivers each outbox the moment its transaction commits, concurrently with the others, instead of queueing it for
/// the one delivery loop: measured, that loop's claim, load, send and commit per outbox put ~4 ms on every request's
/// first hop and capped the whole API at the loop's pace. Should the delivery fail, the delivery service is woken
/// to retry; should the process stop first, the service (here or elsewhere) finds the committed rows.
/// </summary>
public sealed partial class OutboxDeliveryOnCommit<TDbContext>(
    OutboxDelivery<TDbContext> delivery,
    IBusOutboxNotification deliveryService,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxDeliveryOnCommit<TDbContext>> logger) : ICommittedOutboxes
    where TDbContext : DbContext
{
    public void Committed(Guid outboxId) => _ = DeliverAsync(outboxId);

    private async Task DeliverAsync(Guid outboxId)
    {
        // Off the committing caller's stack: its request goes on while the messages go out.
        await Task.Yield();
        try
        {
            await delivery.DeliverAsync(outboxId, lifetime.ApplicationStopping);
        }
        catch (Exception ex)
        {
            if (!lifetime.ApplicationStopping.IsCancellationRequested)
                LogDeliveryFailed(outboxId, ex);
            deliveryService.Delivered();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {OutboxId} was not delivered on commit; the delivery service retries it")]
    private partial void LogDeliveryFailed(Guid outboxId, Exception exception);
}
