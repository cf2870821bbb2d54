using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;
using Pipeline.Flags;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Answering.Serving;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Pipeline.Persistence.SemanticCache;
using Pipeline.Persistence.Serving;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Fault: with workflow-complete on, the workflow crashes on every request, or answers too slowly.
/// Invariant: the caller gets <c>reset</c> then the legacy answer (<c>fallback: true</c>), the failure lands in
/// the flag's audit trail, and a workflow answer that comes after all leaves no trace.
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

    [Fact]
    public async Task A_workflow_answer_after_its_deadline_is_neither_served_nor_remembered()
    {
        await system.ReplaceWorkflowWorkerAsync(new Dictionary<string, string?> { ["Execution:InjectedLatency"] = "00:00:04" });
        await system.RestartCoordinatorAsync(() => Task.CompletedTask, new Dictionary<string, string?> { ["Routing:WorkflowDeadline"] = "00:00:01" });
        using var completions = new ConsumedMessages<ChatCompleted>(system.Coordinator.Services.GetRequiredService<IBus>());
        using var http = system.CreateClient();
        var message = $"What is DORA? ({Guid.NewGuid():N})";

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message });

        Assert.True(response.IsSuccessStatusCode, $"status {response.StatusCode}");
        Assert.Equal("legacy", result.Text("poweredBy"));
        var requestId = result.GetProperty("requestId").GetGuid();
        await completions.WaitForAsync(c => c.RequestId == requestId && c.Pipeline == ChatPipeline.Workflow, "the late workflow answer reaches the saga");

        await using var db = system.CreateDbContext();
        var claims = await db.Set<ServingClaim>().Where(c => c.RequestId == requestId).OrderBy(c => c.Attempt).ToListAsync();
        // Attempts count from 0: the workflow run, then its legacy fallback.
        Assert.Equal([(0, ServingClaims.Abandoned), (1, ServingClaims.Served)], claims.Select(c => (c.Attempt, c.Outcome)));
        var answers = await db.Set<ConversationMessage>().Where(m => m.RequestId == requestId && m.Role == ConversationHistory.AssistantRole).ToListAsync();
        Assert.Equal("legacy", Assert.Single(answers).Pipeline);
        var saga = await db.Set<ChatRoutingState>().SingleAsync(s => s.CorrelationId == requestId);
        Assert.All(await db.Set<SemanticCacheEntry>().Where(e => e.Question == message).ToListAsync(), e => Assert.True(e.CreatedAt <= saga.ServedAt,
            $"a cache entry written at {e.CreatedAt:O}, after the request was served at {saga.ServedAt:O}"));
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
