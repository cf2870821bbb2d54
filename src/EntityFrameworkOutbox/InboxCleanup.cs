using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Removes inbox rows whose messages were delivered longer ago than the duplicate-detection window: past it, a
/// redelivery of the same message id is treated as new.
/// </summary>
public sealed partial class InboxCleanup<TDbContext>(
    TDbContext db,
    IOptions<InboxCleanupServiceOptions> options,
    TimeProvider time,
    ILogger<InboxCleanup<TDbContext>> logger)
    where TDbContext : DbContext
{
    /// <summary>Removes expired rows batch by batch until a batch comes back short.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        int removed;
        do
        {
            removed = await RemoveExpiredAsync(cancellationToken);
        }
        while (removed >= options.Value.QueryMessageLimit);
    }

    /// <summary>Deletes one batch of expired inbox rows; returns how many.</summary>
    public async Task<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
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
}
