using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.Infrastructure.Execution;

/// <summary>
/// Configured latency, failures and degraded answers for fault and rollout tests (a deliberately slow, broken or worse
/// pipeline); inert with the default options. Decided per request id, so a retry of the same request fares the same way.
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

    /// <summary>The answer with its citations dropped when this request is among the degraded share; else unchanged.</summary>
    public ChatAnswer Degrade(ExecuteChat command, ChatAnswer answer) =>
        options.Value.InjectedCitationLoss > 0 && Routing.NoiseSampling.Includes(command.RequestId, options.Value.InjectedCitationLoss)
            ? answer with { Text = Evals.CitationMarkers.Strip(answer.Text), Citations = [] }
            : answer;
}

/// <summary>A failure injected on purpose by configuration.</summary>
public sealed class InjectedFailureException(Guid requestId) : Exception($"Injected failure for request {requestId}.");
