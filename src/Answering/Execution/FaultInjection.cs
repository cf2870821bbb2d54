using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering;
using Pipeline.Platform.Sampling;

namespace Pipeline.Answering.Execution;

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
        if (settings.InjectedFailureRate > 0 && NoiseSampling.Includes(command.RequestId, settings.InjectedFailureRate))
            throw new InjectedFailureException(command.RequestId);
        return settings.InjectedLatency;
    }

    /// <summary>
    /// The answer with its citations dropped when this request is among the degraded share (and its run's step flags,
    /// <paramref name="stepsOn"/>, are the ones degraded); else unchanged.
    /// </summary>
    public ChatAnswer Degrade(ExecuteChat command, ChatAnswer answer, IReadOnlyList<string>? stepsOn = null)
    {
        var settings = options.Value;
        var degraded = settings.InjectedCitationLoss > 0 && NoiseSampling.Includes(command.RequestId, settings.InjectedCitationLoss)
            && (settings.CitationLossWithStep is not { } with || stepsOn?.Contains(with) == true)
            && (settings.CitationLossWithoutStep is not { } without || stepsOn?.Contains(without) == false);
        return degraded ? answer with { Text = CitationMarkers.Strip(answer.Text), Citations = [] } : answer;
    }
}

/// <summary>A failure injected on purpose by configuration.</summary>
internal sealed class InjectedFailureException(Guid requestId) : Exception($"Injected failure for request {requestId}.");
