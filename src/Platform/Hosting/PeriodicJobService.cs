using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Platform.Hosting;

/// <summary>
/// Runs <typeparamref name="TJob"/> at start and then every interval, each run in a fresh scope (its own
/// DbContext). A failed run is logged and changes nothing; the next tick tries again, so a database outage never
/// stops the loop for good.
/// </summary>
public sealed partial class PeriodicJobService<TJob>(
    IServiceScopeFactory scopes,
    Func<TimeSpan> interval,
    TimeProvider time,
    ILogger<PeriodicJobService<TJob>> logger) : BackgroundService
    where TJob : IPeriodicJob
{
    // A generic job (one per DbContext) would otherwise be logged with its arity, as "InboxCleanup`1".
    private static readonly string JobName = typeof(TJob).Name.Split('`')[0];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval(), time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TJob>().RunAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRunFailed(JobName, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Job} failed; retrying at the next interval")]
    private partial void LogRunFailed(string job, Exception exception);
}
