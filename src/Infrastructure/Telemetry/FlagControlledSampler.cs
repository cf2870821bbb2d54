using OpenTelemetry.Trace;
using Pipeline.Infrastructure.Flags;

namespace Pipeline.Infrastructure.Telemetry;

/// <summary>
/// Keeps a new trace when the <c>telemetry</c> flag is on for it, bucketed by trace id: disabled records no traces
/// (metrics go on), a percentage keeps that share of traces. Used as the root sampler under a parent-based one, so a
/// trace is kept or dropped whole across the bus. An outgoing call that starts a trace of its own (a client span with
/// no parent: the pollers' and sweepers' database queries) is dropped, or background polling would flood the exporter.
/// </summary>
public sealed class FlagControlledSampler(IFlagEvaluator flags) : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind == System.Diagnostics.ActivityKind.Client)
            return new SamplingResult(SamplingDecision.Drop);
        var key = samplingParameters.TraceId.ToHexString();
        var on = flags.Evaluate(MigrationFlags.Telemetry, new FlagContext(key, null, null)).Mode == FlagMode.On;
        return new SamplingResult(on ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
    }
}
