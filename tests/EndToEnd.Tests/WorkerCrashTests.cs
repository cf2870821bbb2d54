using System.Net;
using Microsoft.EntityFrameworkCore;
using Pipeline.Answering.Conversations;
using Pipeline.Flags;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Fault: the legacy worker process is SIGKILLed while it holds executions. Load: 10 streamed requests, each in its
/// own conversation. Invariant: the broker redelivers the unacknowledged executions to a new worker process, every
/// caller gets its answer, and every conversation has exactly its two history rows (the question and one answer).
/// </summary>
public sealed class WorkerCrashTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    private const int Requests = 10;

    [Fact]
    public async Task A_worker_killed_mid_execution_is_replaced_and_every_request_completes_once()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        await system.StopLegacyWorkerAsync();
        // Slow enough that all ten executions are in the worker's hands, unacknowledged, when it dies.
        var slow = system.HostSettings(new Dictionary<string, string?> { ["Execution:InjectedLatency"] = "00:00:03" });
        var doomed = await WorkerProcess.StartAsync("Workers.Legacy", "Pipeline.Workers.Legacy", slow, system.Endpoints, system.VirtualHost, "legacy-chat");

        using var http = system.CreateClient();
        var conversations = Enumerable.Range(0, Requests).Select(_ => Guid.NewGuid()).ToList();
        var streams = conversations.Select(c => ChatClient.PostSseAsync(http, new { message = "Che cos'è il Cyber Resilience Act?", conversationId = c })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await doomed.KillAsync();
        await using var replacement = await WorkerProcess.StartAsync("Workers.Legacy", "Pipeline.Workers.Legacy", system.HostSettings(null),
            system.Endpoints, system.VirtualHost, "legacy-chat");

        foreach (var stream in streams)
        {
            var (response, events) = await stream;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("done", events[^1].Event);
        }

        await using var db = system.CreateDbContext();
        var rows = await db.Set<ConversationMessage>().Where(m => conversations.Contains(m.ConversationId))
            .GroupBy(m => m.ConversationId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(Requests, rows.Count);
        Assert.All(rows, n => Assert.Equal(2, n));
    }
}
