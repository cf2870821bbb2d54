using MassTransit;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Delivers each outbox the moment its transaction commits, from the messages the committing context holds,
/// concurrently with the others, instead of queueing it for the one delivery loop: measured, that loop's claim, load,
/// send and commit per outbox put ~4 ms on every request's first hop and capped the whole API at the loop's pace. At
/// most <see cref="EntityFrameworkOutboxOptions{TDbContext}.OnCommitDeliveryLimit"/> deliveries run at once; the rest
/// wait in memory. Its outboxes carry its <see cref="Holder"/> mark from their insert, so no other deliverer takes them
/// while it sends. Should a delivery fail, the delivery service is woken to retry; should the process stop first, the
/// service (here or elsewhere) finds the committed rows once their hold has passed.
/// </summary>
public sealed partial class OutboxDeliveryOnCommit<TDbContext>(
    OutboxDelivery<TDbContext> delivery,
    IBusOutboxNotification deliveryService,
    IOptions<EntityFrameworkOutboxOptions<TDbContext>> options,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxDeliveryOnCommit<TDbContext>> logger) : ICommittedOutboxes
    where TDbContext : DbContext
{
    private readonly SemaphoreSlim _slots = new(options.Value.OnCommitDeliveryLimit);

    /// <summary>One per process (per delivery), so a restarted process does not take its predecessor's holds for its own.</summary>
    public Guid Holder { get; } = options.Value.OnCommitHold > TimeSpan.Zero ? NewId.NextGuid() : Guid.Empty;

    public void Committed(OutboxState outbox, IReadOnlyList<OutboxMessage> messages) => _ = DeliverAsync(outbox, messages);

    private async Task DeliverAsync(OutboxState outbox, IReadOnlyList<OutboxMessage> messages)
    {
        // Off the committing caller's stack: its request goes on while the messages go out.
        await Task.Yield();
        var stopping = lifetime.ApplicationStopping;
        try
        {
            await _slots.WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the committed rows stay for the delivery service of the next start, or of another process.
            return;
        }

        try
        {
            await delivery.DeliverCommittedAsync(outbox, messages, stopping);
        }
        catch (Exception ex)
        {
            if (!stopping.IsCancellationRequested)
                LogDeliveryFailed(outbox.OutboxId, ex);
            deliveryService.Delivered();
        }
        finally
        {
            _slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {OutboxId} was not delivered on commit; the delivery service retries it")]
    private partial void LogDeliveryFailed(Guid outboxId, Exception exception);
}
