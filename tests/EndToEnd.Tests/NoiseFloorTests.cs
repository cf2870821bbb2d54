using Microsoft.EntityFrameworkCore;
using Pipeline.Flags;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The noise floor: on sampled shadow requests legacy runs twice, the legacy-vs-legacy pair is recorded apart, and the
/// summary reports it next to new-vs-old.
/// </summary>
public sealed class NoiseFloorTests(NoiseFloorTests.AlwaysSampledSystem system) : IClassFixture<NoiseFloorTests.AlwaysSampledSystem>, IAsyncLifetime
{
    /// <summary>Every shadow request is a noise sample.</summary>
    public sealed class AlwaysSampledSystem : PipelineSystem
    {
        protected override IDictionary<string, string?> Overrides
        {
            get
            {
                var overrides = base.Overrides;
                overrides["Routing:NoiseSampleRate"] = "1";
                return overrides;
            }
        }
    }

    public Task InitializeAsync() => system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_sampled_shadow_request_records_the_legacy_against_itself_pair_and_the_summary_reports_it()
    {
        using var http = system.CreateClient();

        var (_, result) = await ChatClient.PostJsonAsync(http, new { message = "Cos'è il GDPR?" });

        var requestId = result.GetProperty("requestId").GetGuid();
        await Eventually.TrueAsync(async () =>
        {
            await using var db = system.CreateDbContext();
            return await db.Set<Comparison>().CountAsync(c => c.RequestId == requestId) == 2;
        }, because: "both the shadow pair and the noise pair should be recorded");
        await using var check = system.CreateDbContext();
        var noise = await check.Set<Comparison>().SingleAsync(c => c.RequestId == requestId && c.NoiseSample);
        Assert.True(noise.Match, "the deterministic legacy pipeline must agree with itself");

        using var admin = system.CreateAdminClient();
        var summary = await admin.GetFromJsonAsyncElement("/api/comparisons/summary?flag=workflow-complete&window=1h");
        var floor = summary.GetProperty("noiseFloor");
        Assert.True(floor.GetProperty("count").GetInt32() >= 1);
        Assert.Equal(1.0, floor.GetProperty("matchRate").GetDouble());
        Assert.True(summary.GetProperty("count").GetInt32() >= 1);
    }
}
