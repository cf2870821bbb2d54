using System.Net;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;
using Pipeline.Flags;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.SemanticCache;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>Shadow mode (contract §1, §3): both pipelines run, the caller gets only legacy, every pair is recorded once.</summary>
public sealed class ShadowModeTests(ShadowModeTests.ShadowSystem system) : IClassFixture<ShadowModeTests.ShadowSystem>, IAsyncLifetime
{
    /// <summary>A system with workflow-complete in shadow for everyone and no noise-floor sampling.</summary>
    public sealed class ShadowSystem : PipelineSystem
    {
        protected override IDictionary<string, string?> Overrides
        {
            get
            {
                var overrides = base.Overrides;
                overrides["Routing:NoiseSampleRate"] = "0";
                return overrides;
            }
        }
    }

    public Task InitializeAsync() => system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Shadow_request_serves_legacy_and_records_one_comparison()
    {
        using var http = system.CreateClient();

        var (response, events) = await ChatClient.PostSseAsync(http, new { message = "Cos'è il GDPR?" });

        Assert.Equal("legacy", response.Headers.GetValues("X-Powered-By").Single());
        var done = events[^1];
        Assert.Equal("done", done.Event);
        var result = done.Data.GetProperty("result");
        Assert.Equal("legacy", result.Text("poweredBy"));
        Assert.Equal("shadow", result.Text("mode"));
        Assert.Equal(result.Text("text"), string.Concat(events.Where(e => e.Event == "token").Select(e => e.Data.Text("text"))));
        Assert.DoesNotContain(events, e => e.Event == "reset");

        var requestId = result.GetProperty("requestId").GetGuid();
        await Eventually.TrueAsync(async () =>
        {
            await using var db = system.CreateDbContext();
            return await db.Set<Comparison>().AnyAsync(c => c.RequestId == requestId);
        }, because: "the pair should be compared");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var check = system.CreateDbContext();
        var comparison = await check.Set<Comparison>().SingleAsync(c => c.RequestId == requestId);
        Assert.Equal(MigrationFlags.WorkflowComplete, comparison.FlagName);
        Assert.Equal("chat", comparison.Kind);
        Assert.Equal("completed", comparison.NewOutcome);
        Assert.NotNull(comparison.NewResult);
    }

    [Fact]
    public async Task The_shadow_side_writes_no_conversation_history_and_no_cache_entry()
    {
        using var http = system.CreateClient();

        var (_, result) = await ChatClient.PostJsonAsync(http, new { message = "Articolo 28 del GDPR" });
        var requestId = result.GetProperty("requestId").GetGuid();
        await Eventually.TrueAsync(async () =>
        {
            await using var db = system.CreateDbContext();
            return await db.Set<Comparison>().AnyAsync(c => c.RequestId == requestId);
        });

        await using var check = system.CreateDbContext();
        var turns = await check.Set<ConversationMessage>().Where(m => m.RequestId == requestId).ToListAsync();
        Assert.Equal(2, turns.Count);
        Assert.Single(turns, t => t.Role == ConversationHistory.AssistantRole && t.Pipeline == "legacy");
        Assert.DoesNotContain(turns, t => t.Pipeline == "workflow");
        Assert.False(await check.Set<SemanticCacheEntry>().AnyAsync(e => e.Pipeline == "workflow"), "a shadow run must not write the cache");
        Assert.True(await check.Set<SemanticCacheEntry>().AnyAsync(e => e.Question == "Articolo 28 del GDPR" && e.Pipeline == "legacy"));
    }

    [Fact]
    public async Task A_redelivered_pair_is_recorded_and_announced_once()
    {
        var requestId = NewId.NextGuid();
        var answer = "{\"text\":\"x\",\"citations\":[],\"sources\":[],\"cached\":false,\"durationMs\":1,\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"costUsd\":0}}";
        var pair = new CompareResults(requestId, MigrationFlags.WorkflowComplete, ComparisonKind.Chat, answer, answer, ComparedOutcome.Completed, 1, 1, false);
        var bus = system.Coordinator.Services.GetRequiredService<IBus>();
        var announced = 0;
        var listener = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), null, endpoint =>
            endpoint.Handler<ComparisonRecorded>(context =>
            {
                if (context.Message.RequestId == requestId)
                    Interlocked.Increment(ref announced);
                return Task.CompletedTask;
            }));
        await listener.Ready;
        try
        {
            var comparator = await bus.GetSendEndpoint(new Uri("exchange:chat-comparisons"));
            await comparator.Send(pair);
            await comparator.Send(pair);
            await comparator.Send(pair, c => c.MessageId = NewId.NextGuid());

            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref announced) > 0), TimeSpan.FromSeconds(20), "the comparison should be announced");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await using var check = system.CreateDbContext();
            Assert.Equal(1, await check.Set<Comparison>().CountAsync(c => c.RequestId == requestId));
            Assert.Equal(1, Volatile.Read(ref announced));
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    [Fact]
    public async Task No_pair_is_lost_when_the_comparator_restarts_mid_stream()
    {
        using var http = system.CreateClient();
        const int requests = 12;

        var calls = Enumerable.Range(0, requests)
            .Select(i => ChatClient.PostJsonAsync(http, new { message = i % 2 == 0 ? "Cos'è il GDPR?" : "What is DORA?" }))
            .ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await system.RestartCoordinatorAsync(() => Task.Delay(TimeSpan.FromSeconds(2)));
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        var ids = results.Select(r => r.Body.GetProperty("requestId").GetGuid()).ToList();
        await Eventually.TrueAsync(async () =>
        {
            await using var db = system.CreateDbContext();
            return await db.Set<Comparison>().CountAsync(c => ids.Contains(c.RequestId)) == requests;
        }, TimeSpan.FromSeconds(60), "every shadow pair should be recorded");
    }

    [Fact]
    public async Task Comparisons_are_listed_summarised_and_shown_side_by_side()
    {
        using var http = system.CreateClient();
        var (_, result) = await ChatClient.PostJsonAsync(http, new { message = "Confronta GDPR e ESPR" });
        var requestId = result.GetProperty("requestId").GetGuid();
        await Eventually.TrueAsync(async () =>
        {
            await using var db = system.CreateDbContext();
            return await db.Set<Comparison>().AnyAsync(c => c.RequestId == requestId);
        });
        using var admin = system.CreateAdminClient();

        var list = await admin.GetFromJsonAsyncElement("/api/comparisons?flag=workflow-complete&limit=100");
        var item = list.EnumerateArray().Single(c => c.GetProperty("requestId").GetGuid() == requestId);
        var detail = await admin.GetFromJsonAsyncElement($"/api/comparisons/{item.Text("id")}");
        var summary = await admin.GetFromJsonAsyncElement("/api/comparisons/summary?flag=workflow-complete&window=1h");

        Assert.Equal(result.Text("text"), detail.GetProperty("oldResult").Text("text"));
        Assert.Equal(JsonValueKindObject, detail.GetProperty("newResult").ValueKind);
        Assert.True(detail.GetProperty("scores").TryGetProperty("sourceIdOverlap", out _));
        Assert.True(summary.GetProperty("count").GetInt32() >= 1);
        Assert.InRange(summary.GetProperty("matchRate").GetDouble(), 0, 1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/comparisons")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/comparisons/summary?window=forever")).StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindObject = System.Text.Json.JsonValueKind.Object;
}
