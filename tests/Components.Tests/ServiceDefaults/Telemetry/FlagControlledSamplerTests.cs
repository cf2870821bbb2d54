using System.Diagnostics;
using OpenTelemetry.Trace;
using Pipeline.Flags;
using Pipeline.ServiceDefaults.Telemetry;
using Xunit;

namespace Pipeline.Components.Tests.ServiceDefaults.Telemetry;

public sealed class FlagControlledSamplerTests
{
    /// <summary>Answers the telemetry flag from a bucket rule on the key it is given, as a percentage rollout does.</summary>
    private sealed class PercentageTelemetryFlag(double percentage, bool disabled = false) : IFlagEvaluator
    {
        public List<string> Keys { get; } = [];

        public FlagDecision Evaluate(string flagName, in FlagContext context)
        {
            Assert.Equal(MigrationFlags.Telemetry, flagName);
            Keys.Add(context.BucketingKey);
            var bucket = (uint)context.BucketingKey.GetHashCode(StringComparison.Ordinal) % 10_000 / 100.0;
            var mode = !disabled && bucket < percentage ? FlagMode.On : FlagMode.Off;
            return new FlagDecision(mode, bucket, DecisionReason.InRollout);
        }
    }

    private static SamplingDecision Decide(Sampler sampler, ActivityTraceId traceId, ActivityKind kind = ActivityKind.Server) =>
        sampler.ShouldSample(new SamplingParameters(default, traceId, "span", kind)).Decision;

    [Fact]
    public void A_database_call_or_an_untraced_message_outside_any_operation_starts_no_trace_even_with_telemetry_on()
    {
        foreach (var sampler in new[] { new FlagControlledSampler(new PercentageTelemetryFlag(100)), new FlagControlledSampler(null) })
        {
            Assert.Equal(SamplingDecision.Drop, Decide(sampler, ActivityTraceId.CreateRandom(), ActivityKind.Client));
            Assert.Equal(SamplingDecision.Drop, Decide(sampler, ActivityTraceId.CreateRandom(), ActivityKind.Consumer));
            Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, ActivityTraceId.CreateRandom(), ActivityKind.Server));
            Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, ActivityTraceId.CreateRandom(), ActivityKind.Producer));
        }
    }

    [Fact]
    public void A_disabled_telemetry_flag_drops_every_new_trace()
    {
        var sampler = new FlagControlledSampler(new PercentageTelemetryFlag(100, disabled: true));
        for (var i = 0; i < 100; i++)
            Assert.Equal(SamplingDecision.Drop, Decide(sampler, ActivityTraceId.CreateRandom()));
    }

    [Fact]
    public void An_enabled_flag_keeps_its_share_of_traces_bucketed_by_trace_id()
    {
        var flag = new PercentageTelemetryFlag(30);
        var sampler = new FlagControlledSampler(flag);
        var traces = Enumerable.Range(0, 2_000).Select(_ => ActivityTraceId.CreateRandom()).ToList();

        var kept = traces.Count(t => Decide(sampler, t) == SamplingDecision.RecordAndSample);

        Assert.InRange(kept / (double)traces.Count, 0.25, 0.35);
        Assert.Equal(traces.Select(t => t.ToHexString()), flag.Keys);
        // The same trace gets the same answer every time: a trace is kept or dropped whole.
        Assert.All(traces.Take(50), t => Assert.Equal(Decide(sampler, t), Decide(sampler, t)));
    }
}
