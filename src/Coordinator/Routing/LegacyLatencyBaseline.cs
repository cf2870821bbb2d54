using Microsoft.Extensions.Options;
using Pipeline.Platform.Routing;
using Pipeline.Persistence.Routing;

namespace Pipeline.Coordinator.Routing;

/// <summary>
/// The legacy pipeline's observed p95 latency (from served, non-fallback requests of the last hour, kept current by
/// <see cref="LegacyLatencyBaselineRefresh"/>), which the workflow's deadline in <c>on</c> mode is derived from unless
/// configured outright.
/// </summary>
internal sealed class LegacyLatencyBaseline(IOptions<RoutingOptions> options)
{
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

    /// <summary>Replaces the observed p95.</summary>
    public void Record(TimeSpan p95) =>
        // Zero ticks means "nothing observed yet", so an observed zero is kept as one tick.
        Interlocked.Exchange(ref _p95Ticks, Math.Max(1, p95.Ticks));
}
