using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Infrastructure.Flags;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Fault: with workflow-complete on, the workflow crashes on every request, or answers too slowly.
/// Invariant: the caller gets <c>reset</c> then the legacy answer (<c>fallback: true</c>), and the failure lands in
/// the flag's audit trail.
/// </summary>
public sealed class FallbackTests(PipelineSystem system) : IClassFixture<PipelineSystem>, IAsyncLifetime
{
    public Task InitializeAsync() => system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_workflow_crash_in_on_mode_falls_back_to_legacy_with_a_reset_and_an_audit_event()
    {
        await system.ReplaceWorkflowWorkerAsync(new Dictionary<string, string?> { ["Execution:InjectedFailureRate"] = "1", ["Execution:Retries"] = "0" });
        using var http = system.CreateClient();

        var (_, events) = await ChatClient.PostSseAsync(http, new { message = "Cos'è il GDPR?" });

        var names = events.Select(e => e.Event).ToList();
        Assert.Equal("routed", names[0]);
        Assert.Equal("workflow", events[0].Data.Text("poweredBy"));
        Assert.Contains("reset", names);
        var afterReset = events.SkipWhile(e => e.Event != "reset").Skip(1).ToList();
        Assert.Equal("routed", afterReset[0].Event);
        Assert.Equal("legacy", afterReset[0].Data.Text("poweredBy"));
        var result = events[^1].Data.GetProperty("result");
        Assert.Equal("done", events[^1].Event);
        Assert.True(result.GetProperty("fallback").GetBoolean());
        Assert.Equal("legacy", result.Text("poweredBy"));
        Assert.Equal("enabled", result.Text("mode"));
        Assert.Equal(result.Text("text"), string.Concat(afterReset.Where(e => e.Event == "token").Select(e => e.Data.Text("text"))));
        await AssertFailureAuditedAsync(result.GetProperty("requestId").GetGuid());
    }

    [Fact]
    public async Task A_workflow_that_misses_its_deadline_falls_back_to_legacy()
    {
        await system.ReplaceWorkflowWorkerAsync(new Dictionary<string, string?> { ["Execution:InjectedLatency"] = "00:00:15" });
        await system.RestartCoordinatorAsync(() => Task.CompletedTask, new Dictionary<string, string?> { ["Routing:WorkflowDeadline"] = "00:00:01" });
        using var http = system.CreateClient();

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "What is DORA?" });

        Assert.True(response.IsSuccessStatusCode, $"status {response.StatusCode}");
        Assert.True(result.GetProperty("fallback").GetBoolean());
        Assert.Equal("legacy", result.Text("poweredBy"));
        Assert.InRange(result.GetProperty("latencyMs").GetInt64(), 1_000, 14_000);
        await AssertFailureAuditedAsync(result.GetProperty("requestId").GetGuid());
    }

    private async Task AssertFailureAuditedAsync(Guid requestId)
    {
        using var admin = system.CreateAdminClient();
        var audit = await admin.GetFromJsonAsync<JsonElement[]>("/api/flags/workflow-complete/events");
        Assert.Contains(audit!, e => e.Text("type") == "failure"
            && e.GetProperty("after").GetProperty("requestId").GetGuid() == requestId
            && e.Text("actor") == "routing-saga");
    }
}
