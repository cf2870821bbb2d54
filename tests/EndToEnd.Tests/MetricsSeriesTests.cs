using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Persistence.Comparisons;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The dashboard's time series are cut from what requests really did and what the comparator recorded.</summary>
public sealed class MetricsSeriesTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task Series_buckets_count_served_requests_with_latency_cache_share_and_comparison_match_rate()
    {
        using var http = system.CreateClient();
        string[] questions = ["Cos'è il GDPR?", "What is DORA?", "Cos'è il GDPR?"];
        var results = new List<JsonElement>();
        foreach (var question in questions)
        {
            var (response, body) = await ChatClient.PostJsonAsync(http, new { message = question });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            results.Add(body);
        }

        await system.WaitUntilRecordedAsync(results);

        // Two matches and a mismatch count; a noise-floor sample and a replay's comparison must not.
        var at = DateTime.UtcNow.AddSeconds(-5);
        await InsertComparisonsAsync(
            Comparison(at, match: true), Comparison(at, match: true), Comparison(at, match: false),
            Comparison(at, match: false, noise: true), Comparison(at, match: false, replay: Guid.NewGuid()));

        using var admin = system.CreateAdminClient();
        var series = await admin.GetFromJsonAsync<JsonElement>("/api/metrics/series?window=10m&step=1m");
        var buckets = series.GetProperty("buckets").EnumerateArray().ToList();

        Assert.Equal("10m", series.Text("window"));
        Assert.Equal("1m", series.Text("step"));
        Assert.Equal(10, buckets.Count);
        var starts = buckets.Select(b => b.GetProperty("start").GetDateTime()).ToList();
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second - pair.First));
        Assert.Equal(questions.Length, buckets.Sum(b => b.GetProperty("requests").GetInt32()));
        Assert.Equal(questions.Length, buckets.Sum(b => b.GetProperty("served").GetInt32()));
        Assert.All(buckets, b => Assert.Equal(b.GetProperty("requests").GetInt32() / 60.0, b.GetProperty("requestRate").GetDouble(), 9));
        Assert.All(buckets, b => Assert.Equal(0, b.GetProperty("errorRate").GetDouble()));

        var cached = results.Count(r => r.GetProperty("cached").GetBoolean());
        var cachedInSeries = buckets.Sum(b => b.GetProperty("cacheHitRate").GetDouble() * b.GetProperty("served").GetInt32());
        Assert.Equal(cached, cachedInSeries, 6);

        var served = buckets.Where(b => b.GetProperty("served").GetInt32() > 0).ToList();
        Assert.NotEmpty(served);
        var slowest = results.Max(r => r.GetProperty("latencyMs").GetInt64());
        foreach (var bucket in served)
        {
            var pipelines = bucket.GetProperty("pipelines");
            Assert.False(pipelines.TryGetProperty("workflow", out _));
            var legacy = pipelines.GetProperty("legacy");
            Assert.Equal(1.0, legacy.GetProperty("share").GetDouble());
            var (p50, p95) = (legacy.GetProperty("p50").GetDouble(), legacy.GetProperty("p95").GetDouble());
            Assert.True(p50 > 0 && p50 <= p95 && p95 <= slowest + 1_000, $"p50 {p50} p95 {p95} slowest {slowest}");
        }

        var compared = buckets.Where(b => b.GetProperty("comparisons").GetInt32() > 0).ToList();
        var only = Assert.Single(compared);
        Assert.Equal(3, only.GetProperty("comparisons").GetInt32());
        Assert.Equal(2.0 / 3, only.GetProperty("matchRate").GetDouble(), 9);
        Assert.All(buckets.Except(compared), b => Assert.Equal(JsonValueKind.Null, b.GetProperty("matchRate").ValueKind));
    }

    [Theory]
    [InlineData("window=5x&step=1m", "window")]
    [InlineData("window=1h&step=0s", "step")]
    [InlineData("window=1h&step=soon", "step")]
    [InlineData("window=1h&step=2h", "step")]
    [InlineData("window=90d&step=1s", "step")]
    public async Task A_bad_window_or_step_is_a_400_naming_it(string query, string field)
    {
        using var admin = system.CreateAdminClient();
        var response = await admin.GetAsync($"/api/metrics/series?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task The_series_needs_the_admin_credential()
    {
        using var anonymous = system.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/metrics/series")).StatusCode);
    }

    private static Comparison Comparison(DateTime at, bool match, bool noise = false, Guid? replay = null) => new()
    {
        Id = Guid.NewGuid(),
        RequestId = Guid.NewGuid(),
        FlagName = MigrationFlags.WorkflowComplete,
        Kind = "answer",
        NoiseSample = noise,
        Match = match,
        TextSimilarity = match ? 1 : 0.5,
        CitationsMatch = match,
        SourcesMatch = match,
        SourceIdOverlap = 1,
        NewOutcome = "completed",
        OldDurationMs = 10,
        NewDurationMs = 12,
        ReplayId = replay,
        CreatedAt = at,
    };

    private async Task InsertComparisonsAsync(params Comparison[] comparisons)
    {
        await using var scope = system.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        db.AddRange(comparisons);
        await db.SaveChangesAsync();
    }
}
