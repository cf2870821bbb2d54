using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Infrastructure.Flags;

/// <summary>Loads the snapshot at start and again every poll interval: the backstop should a <c>FlagChanged</c> event be missed.</summary>
public sealed partial class FlagSnapshotPoller(
    FlagSnapshotStore store,
    IOptions<FlagOptions> options,
    TimeProvider time,
    ILogger<FlagSnapshotPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep evaluating the last good snapshot while the database is away.
                LogRefreshFailed(ex);
            }

            await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flag snapshot refresh failed; keeping the previous snapshot")]
    private partial void LogRefreshFailed(Exception exception);
}
