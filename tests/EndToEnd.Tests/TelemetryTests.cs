using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Pipeline.Flags;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// One chat request is one trace across the API, the routing saga, both workers and the comparator, its spans
/// carrying the request id, the routing decision and, on generation, the GenAI semantic conventions.
/// </summary>
public sealed class TelemetryTests(PipelineSystem system) : IClassFixture<PipelineSystem>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _finished = new();
    private ActivityListener? _listener;

    [Fact]
    public async Task A_shadow_request_is_one_trace_from_the_api_through_both_workers_to_the_comparator()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is PipelineTelemetry.SourceName or PipelineTelemetry.GenAiSourceName
                or TelemetryServiceCollectionExtensions.MassTransitSource or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _finished.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);

        using var http = system.CreateClient();
        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "What does DORA require?" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = result.GetProperty("requestId").GetGuid();

        List<Activity> trace = [];
        await Eventually.TrueAsync(() =>
        {
            var api = _finished.FirstOrDefault(a => a.Source.Name == "Microsoft.AspNetCore" && Equals(a.GetTagItem(PipelineTelemetry.RequestIdTag), requestId));
            if (api is null)
                return Task.FromResult(false);
            trace = _finished.Where(a => a.TraceId == api.TraceId).ToList();
            return Task.FromResult(trace.Any(IsComparatorSpan));
        }, TimeSpan.FromSeconds(20), "the comparator's span should join the request's trace");

        string Describe() => string.Join(Environment.NewLine, trace.Select(a => $"{a.Source.Name} {a.DisplayName} {string.Join(",", a.Tags.Select(t => t.Key + "=" + t.Value))}"));
        var saga = trace.SingleOrDefault(a => a.GetTagItem(PipelineTelemetry.RoutingModeTag) is not null);
        Assert.True(saga is not null, Describe());
        Assert.Equal("shadow", saga.GetTagItem(PipelineTelemetry.RoutingModeTag));
        Assert.Equal(MigrationFlags.WorkflowComplete, saga.GetTagItem(PipelineTelemetry.RoutingFlagTag));
        Assert.Equal(requestId, saga.GetTagItem(PipelineTelemetry.RequestIdTag));

        var executions = trace.Where(a => a.Source.Name == TelemetryServiceCollectionExtensions.MassTransitSource && a.GetTagItem(PipelineTelemetry.ShadowTag) is not null).ToList();
        Assert.Contains(executions, a => Equals(a.GetTagItem(PipelineTelemetry.PipelineTag), "legacy") && Equals(a.GetTagItem(PipelineTelemetry.ShadowTag), false));
        Assert.Contains(executions, a => Equals(a.GetTagItem(PipelineTelemetry.PipelineTag), "workflow") && Equals(a.GetTagItem(PipelineTelemetry.ShadowTag), true));
        Assert.Contains(trace, a => a.DisplayName == "workflow.retrieval");

        var generation = trace.Where(a => a.Source.Name == PipelineTelemetry.GenAiSourceName).ToList();
        Assert.True(generation.Count >= 2, Describe());
        Assert.All(generation, g =>
        {
            Assert.Equal("chat", g.GetTagItem("gen_ai.operation.name"));
            Assert.NotNull(g.GetTagItem("gen_ai.request.model"));
            Assert.True(Convert.ToInt64(g.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture) > 0, Describe());
        });
    }

    private static bool IsComparatorSpan(Activity activity) =>
        activity.Source.Name == TelemetryServiceCollectionExtensions.MassTransitSource
        && activity.Tags.Any(t => t.Value?.Contains("compare-results", StringComparison.OrdinalIgnoreCase) == true || t.Value?.Contains("CompareResults", StringComparison.Ordinal) == true)
        && activity.Kind == ActivityKind.Consumer;

    public void Dispose() => _listener?.Dispose();
}
