using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Platform.Sampling;

namespace Pipeline.Coordinator.Routing;

/// <summary>Where one request goes: its routing mode, the pipeline that serves it, the one run beside it, and whether the served pipeline also runs a second time.</summary>
/// <param name="Shadow">The pipeline that runs beside the served one and is only compared; null outside shadow.</param>
/// <param name="NoiseSample">True when the served pipeline runs twice, so the comparator can measure its noise floor.</param>
internal readonly record struct RoutingDecision(RoutingMode Mode, ChatPipeline Served, ChatPipeline? Shadow, bool NoiseSample)
{
    /// <summary>
    /// Decides from the routing flag's mode for the request. A replay is shadow-only whatever the flag says: both
    /// pipelines answer, nobody is served, the pair is compared. Noise samples are chosen from the request id, so a
    /// redelivery decides the same.
    /// </summary>
    public static RoutingDecision Decide(FlagMode flag, Guid requestId, bool replay, double noiseSampleRate)
    {
        var mode = replay ? FlagMode.Shadow : flag;
        return mode switch
        {
            FlagMode.On => new(RoutingMode.Enabled, ChatPipeline.Workflow, null, NoiseSample: false),
            FlagMode.Shadow => new(RoutingMode.Shadow, ChatPipeline.Legacy, ChatPipeline.Workflow, NoiseSampling.Includes(requestId, noiseSampleRate)),
            _ => new(RoutingMode.Disabled, ChatPipeline.Legacy, null, NoiseSample: false),
        };
    }
}
