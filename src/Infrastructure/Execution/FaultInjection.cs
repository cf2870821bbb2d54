using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.Infrastructure.Execution;

/// <summary>
/// Configured latency and failures for fault and rollout tests (a deliberately slow or broken pipeline); inert with
/// the default options. Failures are decided per request id so a retry of the same request fails the same way.
/// </summary>
public sealed class FaultInjection(IOptions<ExecutionOptions> options)
{
    /// <returns>The latency injected, which counts as the pipeline's own time (a slow pipeline is what it simulates).</returns>
    public async Task<TimeSpan> ApplyAsync(ExecuteChat command, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.InjectedLatency > TimeSpan.Zero)
            await Task.Delay(settings.InjectedLatency, cancellationToken);
        if (settings.InjectedFailureRate > 0 && Routing.NoiseSampling.Includes(command.RequestId, settings.InjectedFailureRate))
            throw new InjectedFailureException(command.RequestId);
        return settings.InjectedLatency;
    }
}

/// <summary>A failure injected on purpose by configuration.</summary>
public sealed class InjectedFailureException(Guid requestId) : Exception($"Injected failure for request {requestId}.");
