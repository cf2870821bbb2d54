using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Runs <see cref="InboxCleanup{TDbContext}"/> at start and then every <see cref="InboxCleanupServiceOptions.QueryDelay"/>,
/// each run in a scope of its own, as MassTransit.EntityFrameworkCore's service of the same name does. A failed run is
/// logged and the next tick tries again, so a database outage never stops the cleanup for good.
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
        using var timer = new PeriodicTimer(options.Value.QueryDelay, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<InboxCleanup<TDbContext>>().RunAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogCleanupFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Inbox cleanup failed; retrying at the next interval")]
    private partial void LogCleanupFailed(Exception exception);
}
