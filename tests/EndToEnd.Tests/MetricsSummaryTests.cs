using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The metrics summary is computed from what requests really did, as the routing saga recorded it.</summary>
public sealed class MetricsSummaryTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task Summary_counts_served_requests_with_latency_cache_share_and_rollouts()
    {
        using var http = system.CreateClient();
        string[] questions = ["Cos'è il GDPR?", "What is DORA?", "Articolo 28 del GDPR", "Cos'è il GDPR?"];
        var results = new List<JsonElement>();
        foreach (var question in questions)
        {
            var (response, body) = await ChatClient.PostJsonAsync(http, new { message = question });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            results.Add(body);
        }

        await system.WaitUntilRecordedAsync(results);

        using var admin = system.CreateAdminClient();
        var summary = await admin.GetFromJsonAsync<JsonElement>("/api/metrics/summary?window=10m");
        var traffic = summary.GetProperty("traffic");

        Assert.Equal("10m", summary.Text("window"));
        Assert.Equal(questions.Length, traffic.GetProperty("requests").GetInt32());
        Assert.Equal(questions.Length, traffic.GetProperty("served").GetInt32());
        Assert.Equal(0, traffic.GetProperty("errorRate").GetDouble());
        var latency = traffic.GetProperty("latency");
        var (p50, p95, p99) = (latency.GetProperty("p50").GetDouble(), latency.GetProperty("p95").GetDouble(), latency.GetProperty("p99").GetDouble());
        Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99, $"percentiles {p50} {p95} {p99}");
        var slowest = results.Max(r => r.GetProperty("latencyMs").GetInt64());
        Assert.InRange(p99, 0, slowest + 1_000);
        var legacy = traffic.GetProperty("pipelines").GetProperty("legacy");
        Assert.Equal(1.0, legacy.GetProperty("share").GetDouble());
        Assert.False(traffic.GetProperty("pipelines").TryGetProperty("workflow", out _));
        var cached = results.Count(r => r.GetProperty("cached").GetBoolean());
        Assert.Equal((double)cached / questions.Length, traffic.GetProperty("cacheHitRate").GetDouble(), 6);
        Assert.True(traffic.GetProperty("requestRate").GetDouble() > 0);

        var routing = summary.GetProperty("flags").EnumerateArray().Single(f => f.Text("name") == MigrationFlags.WorkflowComplete);
        Assert.Equal(FlagStatus.Disabled, routing.Text("status"));
        Assert.Equal(0, summary.GetProperty("comparisons").GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("5x")]
    [InlineData("-5m")]
    [InlineData("P1000D")]
    public async Task A_bad_window_is_a_400_naming_the_window(string window)
    {
        using var admin = system.CreateAdminClient();
        var response = await admin.GetAsync($"/api/metrics/summary?window={Uri.EscapeDataString(window)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("window", out _));
    }

    [Fact]
    public async Task The_summary_and_alerts_need_the_admin_credential()
    {
        using var anonymous = system.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/metrics/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/alerts")).StatusCode);
    }
}
