using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// Removes inbox rows whose messages were delivered longer ago than the duplicate-detection window: past it, a
/// redelivery of the same message id is treated as new.
/// </summary>
public sealed partial class InboxCleanupService<TDbContext>(
    IServiceScopeFactory scopes,
    IOptions<InboxCleanupServiceOptions> options,
    TimeProvider time,
    ILogger<InboxCleanupService<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int removed;
                do
                {
                    removed = await RemoveExpiredAsync(stoppingToken);
                }
                while (removed >= options.Value.QueryMessageLimit);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCleanupFaulted(ex);
            }

            await Task.Delay(options.Value.QueryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Deletes one batch of expired inbox rows; returns how many.</summary>
    public async Task<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.DuplicateDetectionWindow;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.QueryTimeout);
        var expired = db.Set<InboxState>()
            .Where(i => i.Delivered != null && i.Delivered < cutoff)
            .OrderBy(i => i.Delivered)
            .Take(options.Value.QueryMessageLimit)
            .Select(i => i.Id);
        var removed = await db.Set<InboxState>().Where(i => expired.Contains(i.Id)).ExecuteDeleteAsync(timeout.Token);
        if (removed > 0)
            LogRemoved(removed);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed {Count} expired inbox rows")]
    private partial void LogRemoved(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox cleanup faulted; retrying later")]
    private partial void LogCleanupFaulted(Exception exception);
}
