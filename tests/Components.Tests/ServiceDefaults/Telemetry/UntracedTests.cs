using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Pipeline.ServiceDefaults.Telemetry;
using Xunit;

namespace Pipeline.Components.Tests.ServiceDefaults.Telemetry;

public sealed class UntracedTests
{
    private sealed class Recorded : BaseProcessor<Activity>
    {
        public List<string> Names { get; } = [];

        public override void OnEnd(Activity data)
        {
            lock (Names)
                Names.Add(data.OperationName);
        }
    }

    [Fact]
    public async Task Work_run_untraced_records_no_span_even_after_an_await_and_the_caller_keeps_its_trace()
    {
        using var source = new ActivitySource($"untraced-test-{Guid.NewGuid():N}");
        var recorded = new Recorded();
        using var provider = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).SetSampler(new AlwaysOnSampler())
            .AddProcessor(recorded).Build();

        using (var request = source.StartActivity("request"))
        {
            Assert.NotNull(request);
            Activity? parentSeen = request;
            var suppressedSeen = false;
            await Untraced.RunAsync(async () =>
            {
                await Task.Yield();
                parentSeen = Activity.Current;
                suppressedSeen = Sdk.SuppressInstrumentation;
                using var piece = source.StartActivity("piece");
            });

            Assert.Null(parentSeen);
            Assert.True(suppressedSeen);
            Assert.Same(request, Activity.Current);
            Assert.False(Sdk.SuppressInstrumentation);
            using var step = source.StartActivity("step");
        }

        Assert.Equal(["step", "request"], recorded.Names);
    }
}
