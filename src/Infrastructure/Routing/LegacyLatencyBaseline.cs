using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Infrastructure.Routing;

/// <summary>
/// The legacy pipeline's observed p95 latency (from served, non-fallback requests of the last hour), which the
/// workflow's deadline in <c>on</c> mode is derived from unless configured outright.
/// </summary>
public sealed partial class LegacyLatencyBaseline(
    IServiceScopeFactory scopes,
    IOptions<RoutingOptions> options,
    TimeProvider time,
    ILogger<LegacyLatencyBaseline> logger) : BackgroundService
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private long _p95Ticks;

    /// <summary>The observed p95, or null before any legacy request was served.</summary>
    public TimeSpan? LegacyP95 => Interlocked.Read(ref _p95Ticks) is > 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>How long the workflow may take before the saga falls back to legacy.</summary>
    public TimeSpan WorkflowDeadline()
    {
        var routing = options.Value;
        if (routing.WorkflowDeadline is { } configured)
            return configured;
        var derived = LegacyP95 is { } p95 ? p95 * routing.WorkflowDeadlineMultiplier : routing.Deadline / 2;
        return TimeSpan.FromTicks(Math.Clamp(derived.Ticks, routing.WorkflowDeadlineFloor.Ticks, routing.Deadline.Ticks));
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var since = time.GetUtcNow().UtcDateTime - Window;
        var durations = await db.Set<ChatRoutingState>().AsNoTracking()
            .Where(s => s.ServedAt != null && s.RequestedAt >= since && s.ServedPipeline == ChatPipeline.Legacy && !s.Fallback)
            .OrderByDescending(s => s.RequestedAt)
            .Take(options.Value.BaselineSampleLimit)
            .Select(s => s.ServedAt!.Value - s.RequestedAt)
            .ToListAsync(cancellationToken);
        if (durations.Count == 0)
            return;
        durations.Sort();
        var p95 = durations[(int)Math.Ceiling(0.95 * durations.Count) - 1];
        Interlocked.Exchange(ref _p95Ticks, Math.Max(1, p95.Ticks));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefreshFailed(ex);
            }

            await Task.Delay(options.Value.BaselineRefreshInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy latency baseline refresh failed; keeping the previous value")]
    private partial void LogRefreshFailed(Exception exception);
}
