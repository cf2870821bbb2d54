using System.Diagnostics;
using OpenTelemetry.Trace;
using Pipeline.Flags;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>
/// Decides whether a new trace starts: when the <c>telemetry</c> flag is on for it, bucketed by trace id (disabled
/// records no traces, metrics go on; a percentage keeps that share), or always in a host without flag evaluation.
/// Used as the root sampler under a parent-based one, so a trace is kept or dropped whole across the bus.
/// Traces start where work enters (a request, a job producing messages), never at an outgoing call with no parent
/// (the pollers' and sweepers' database queries) nor at a message that arrives with no trace context (the caller's
/// token pieces, which are sent untraced): either would flood the exporter with one-span traces.
/// </summary>
internal sealed class FlagControlledSampler(IFlagEvaluator? flags) : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind is ActivityKind.Client or ActivityKind.Consumer)
            return new SamplingResult(SamplingDecision.Drop);
        if (flags is null)
            return new SamplingResult(SamplingDecision.RecordAndSample);
        var key = samplingParameters.TraceId.ToHexString();
        var on = flags.Evaluate(MigrationFlags.Telemetry, new FlagContext(key, null, null)).Mode == FlagMode.On;
        return new SamplingResult(on ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
    }
}
