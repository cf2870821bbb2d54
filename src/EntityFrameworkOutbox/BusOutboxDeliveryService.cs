using MassTransit;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// The backstop of bus-outbox delivery: delivers the oldest committed outbox (see <see cref="OutboxDelivery{TDbContext}"/>)
/// until none is left, then sleeps until woken or the poll delay passes. Outboxes committed in this process are
/// normally delivered at once by <see cref="OutboxDeliveryOnCommit{TDbContext}"/>; this service takes what that missed
/// (a failed send, a process stopped in between) and what other processes committed.
/// </summary>
public sealed partial class BusOutboxDeliveryService<TDbContext>(
    IBusControl bus,
    IBusOutboxNotification notification,
    OutboxDelivery<TDbContext> delivery,
    IOptions<OutboxDeliveryServiceOptions> options,
    ILogger<BusOutboxDeliveryService<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    private static readonly TimeSpan BusWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FaultPause = TimeSpan.FromSeconds(1);

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
            var sent = await delivery.DeliverOldestAsync(cancellationToken);
            if (sent < 0)
                break;
            total += sent;
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox delivery faulted; retrying")]
    private partial void LogDeliveryFaulted(Exception exception);

}
