using MassTransit.Middleware.Outbox;
using Microsoft.Extensions.Options;
using MassTransit;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Wakes the delivery service when an outbox commits. Unlike a plain cancel-the-waiter signal, a commit that happens
/// while the service is busy delivering is remembered, so the next wait returns at once instead of sleeping a full
/// query delay with a message ready.
/// </summary>
public sealed class OutboxCommitSignal(IOptions<OutboxDeliveryServiceOptions> options) : IBusOutboxNotification
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public async Task WaitForDelivery(CancellationToken cancellationToken)
    {
        try
        {
            await _pending.WaitAsync(options.Value.QueryDelay, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down or the caller's own bound: nothing to deliver now.
        }
    }

    public void Delivered()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one pending wake-up covers any number of commits.
        }
    }
}
