using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The system with the rollout controller judging every half second and a workflow deadline too long to hide a slow workflow.</summary>
public class RolloutSystem : PipelineSystem
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Rollout:EvaluationInterval"] = "00:00:00.500",
        ["Routing:WorkflowDeadline"] = "00:00:10",
        ["Experiments:CollectInterval"] = "00:00:00.200",
    };

    public async Task<JsonElement> StartRolloutAsync(object body, string flag = MigrationFlags.WorkflowComplete)
    {
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync($"/api/flags/{flag}/rollout", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> AwaitRolloutEndAsync(TimeSpan within, string flag = MigrationFlags.WorkflowComplete)
    {
        using var admin = CreateAdminClient();
        JsonElement rollout = default;
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                rollout = await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{flag}/rollout");
                return rollout.Text("status") != "running";
            }, within, "the rollout should end by itself");
        }
        catch (TimeoutException timeout)
        {
            // Where it stood and why it held is what tells a slow rollout from a stuck one.
            var decisions = await RolloutEventsAsync(rollout);
            throw new TimeoutException($"{timeout.Message}; decisions so far:{Environment.NewLine}{string.Join(Environment.NewLine, decisions)}{Environment.NewLine}last: {rollout}", timeout);
        }

        return rollout;
    }

    /// <summary>The audit trail's decisions of one rollout, oldest first.</summary>
    public async Task<List<JsonElement>> RolloutEventsAsync(JsonElement rollout)
    {
        using var admin = CreateAdminClient();
        var id = rollout.Text("id");
        var events = await admin.GetFromJsonAsync<JsonElement[]>($"/api/flags/{rollout.Text("flag")}/events");
        return events!.Where(e => e.Text("type") == "rollout" && e.GetProperty("after").Text("rolloutId") == id).Reverse().ToList();
    }

    public async Task<JsonElement> RoutingFlagAsync()
    {
        using var admin = CreateAdminClient();
        return await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{MigrationFlags.WorkflowComplete}");
    }
}

/// <summary>
/// The rollout system with a model's generation time on both pipelines: the offline generator answers in ~10 ms, where a
/// few milliseconds of the workflow's step orchestration weigh 10 % of the tail; a real model's time dominates both sides.
/// </summary>
public sealed class HealthyRolloutSystem : RolloutSystem
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Execution:InjectedLatency"] = "00:00:00.050",
    };
}

/// <summary>
/// A healthy workflow (its steps delegating to the legacy implementations, so its answers agree) walks
/// shadow → 50 % → 100 % by itself, each advance an audit event carrying the evidence that justified it.
/// </summary>
public sealed class HealthyRolloutTests(HealthyRolloutSystem system, ITestOutputHelper output) : IClassFixture<HealthyRolloutSystem>
{
    private const int MinSamples = 60;

    [Fact]
    public async Task A_healthy_workflow_reaches_everyone_stage_by_stage_on_evidence()
    {
        var started = await system.StartRolloutAsync(new { stages = new object[] { "shadow", 50, 100 }, minSamples = MinSamples, minDwell = "PT1S" });
        Assert.Equal("running", started.Text("status"));
        Assert.Equal("shadow", started.Text("stage"));

        JsonElement rollout;
        await using (new RolloutLoad(system.CreateClient, concurrency: 4))
            rollout = await system.AwaitRolloutEndAsync(TimeSpan.FromMinutes(3));

        var decisions = await system.RolloutEventsAsync(started);
        // The p95 latencies each decision weighed: how close the gate came is worth seeing on a pass too.
        foreach (var decision in decisions)
            output.WriteLine($"{decision.Text("reason")} {LatencyOf(decision)}");
        Assert.True("completed" == rollout.Text("status"), string.Join(Environment.NewLine, decisions.Select(d => d.ToString())));
        Assert.Equal("100", rollout.Text("stage"));
        var flag = await system.RoutingFlagAsync();
        Assert.Equal(FlagStatus.Enabled, flag.Text("status"));
        Assert.Equal(100, flag.GetProperty("rolloutPercentage").GetDouble());

        var advances = decisions.Where(e => e.Text("reason").Contains("advanced", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, advances.Count);
        Assert.All(advances, a => Assert.True(a.GetProperty("after").GetProperty("samples").GetInt32() >= MinSamples));
        var shadowAdvance = advances[0].GetProperty("after");
        Assert.Equal("shadow", shadowAdvance.Text("stage"));
        Assert.True(shadowAdvance.GetProperty("matchRate").GetDouble() >= 0.99);
        Assert.DoesNotContain(decisions, e => e.Text("reason").Contains("rolled back", StringComparison.Ordinal));
    }

    private static string LatencyOf(JsonElement decision) =>
        decision.GetProperty("after").TryGetProperty("latencyP95", out var p95) ? $"p95 latency {p95}" : "";

    [Fact]
    public async Task A_bad_rollout_request_is_a_400_naming_the_field_and_starts_nothing()
    {
        using var admin = system.CreateAdminClient();
        object[] bodies =
        [
            new { stages = new object[] { 10, "shadow" } },
            new { stages = new object[] { 50, 10 } },
            new { stages = new object[] { 0 } },
            new { minSamples = 0 },
            new { minDwell = "ten minutes" },
            new { stages = "shadow" },
            new { kind = "faster" },
        ];
        foreach (var body in bodies)
        {
            var response = await admin.PostAsJsonAsync($"/api/flags/{MigrationFlags.WorkflowComplete}/rollout", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var other = await admin.PostAsJsonAsync($"/api/flags/{MigrationFlags.MemoryLoading}/rollout", new { });
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }
}

/// <summary>
/// A workflow made slow or broken by configuration, rolled out straight to 50 %: the controller must stop and roll it
/// back by itself — a slow one halved first (performance contingency), a failing one to 0 % at once (critical).
/// </summary>
public sealed class RollbackRolloutTests(RolloutSystem system) : IClassFixture<RolloutSystem>
{
    [Fact]
    public async Task A_slow_workflow_is_halved_then_rolled_back_to_zero()
    {
        await system.ReplaceWorkflowWorkerAsync(new Dictionary<string, string?> { ["Execution:InjectedLatency"] = "00:00:00.400" });
        var started = await system.StartRolloutAsync(new { stages = new object[] { 50, 100 }, minSamples = 1_000, minDwell = "PT1H" });

        JsonElement rollout;
        await using (new RolloutLoad(system.CreateClient, concurrency: 4))
            rollout = await system.AwaitRolloutEndAsync(TimeSpan.FromMinutes(2));

        Assert.Equal("rolled-back", rollout.Text("status"));
        var reasons = (await system.RolloutEventsAsync(started)).Select(e => e.Text("reason")).ToList();
        var halved = reasons.FindIndex(r => r.StartsWith("halved to 25", StringComparison.Ordinal));
        var rolledBack = reasons.FindIndex(r => r.StartsWith("rolled back to 0", StringComparison.Ordinal));
        Assert.True(halved >= 0 && rolledBack > halved, string.Join(" | ", reasons));
        Assert.Contains("latency", reasons[rolledBack]);
        var flag = await system.RoutingFlagAsync();
        Assert.Equal(FlagStatus.Disabled, flag.Text("status"));
    }

    [Fact]
    public async Task A_failing_workflow_is_rolled_back_to_zero_at_once()
    {
        await system.ReplaceWorkflowWorkerAsync(new Dictionary<string, string?> { ["Execution:InjectedFailureRate"] = "0.5", ["Execution:Retries"] = "0" });
        var started = await system.StartRolloutAsync(new { stages = new object[] { 50, 100 }, minSamples = 1_000, minDwell = "PT1H" });

        JsonElement rollout;
        await using (new RolloutLoad(system.CreateClient, concurrency: 4))
            rollout = await system.AwaitRolloutEndAsync(TimeSpan.FromMinutes(2));

        Assert.Equal("rolled-back", rollout.Text("status"));
        var decisions = await system.RolloutEventsAsync(started);
        var last = decisions[^1];
        Assert.StartsWith("rolled back to 0", last.Text("reason"));
        Assert.Contains("error rate", last.Text("reason"));
        Assert.DoesNotContain(decisions, e => e.Text("reason").StartsWith("halved", StringComparison.Ordinal));
        Assert.Equal(FlagStatus.Disabled, (await system.RoutingFlagAsync()).Text("status"));
    }
}
