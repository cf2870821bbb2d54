using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Persistence.Requests;
using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The foundation slice: API → bus → routing saga → legacy worker → caller, on the real broker and database.</summary>
public sealed class ChatRoundTripTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task Json_caller_gets_a_grounded_legacy_answer_with_citations_from_the_knowledge_base()
    {
        using var http = system.CreateClient();

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "Cos'è il GDPR?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("legacy", result.Text("poweredBy"));
        Assert.Equal("disabled", result.Text("mode"));
        Assert.False(result.GetProperty("fallback").GetBoolean());
        Assert.Contains("GDPR", result.Text("text"), StringComparison.OrdinalIgnoreCase);
        var sourceIds = result.GetProperty("sources").EnumerateArray().Select(s => s.Text("id")).ToHashSet();
        var citations = result.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        Assert.All(citations, c => Assert.Contains(c.Text("sourceId"), sourceIds));
        Assert.All(result.GetProperty("sources").EnumerateArray(), s => Assert.Equal("document", s.Text("type")));
    }

    [Fact]
    public async Task Json_caller_gets_the_whole_answer_in_one_message_without_token_pieces()
    {
        using var completions = new ConsumedMessages<ChatCompleted>(system.Coordinator.Services.GetRequiredService<IBus>());
        using var tokens = new ConsumedMessages<ChatTokenStreamed>(system.Api.Services.GetRequiredService<IBus>());
        using var http = system.CreateClient();

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = $"What does a processor have to do under the GDPR? ({Guid.NewGuid():N})" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("GDPR", result.Text("text"), StringComparison.OrdinalIgnoreCase);
        var requestId = result.GetProperty("requestId").GetGuid();
        // The saga hears of the execution after its token messages were confirmed by the broker: a positive signal.
        await completions.WaitForAsync(c => c.RequestId == requestId, "the saga hears the execution complete");
        Assert.Equal(0, completions.Messages.Single(c => c.RequestId == requestId).TokenCount);
        Assert.DoesNotContain(tokens.Messages, t => t.RequestId == requestId);
    }

    [Fact]
    public async Task Sse_caller_gets_routed_then_tokens_that_add_up_to_the_done_answer()
    {
        using var completions = new ConsumedMessages<ChatCompleted>(system.Coordinator.Services.GetRequiredService<IBus>());
        using var http = system.CreateClient();

        var (response, events) = await ChatClient.PostSseAsync(http, new { message = "What does a processor have to do under the GDPR?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("legacy", response.Headers.GetValues("X-Powered-By").Single());
        Assert.Equal("routed", events[0].Event);
        Assert.Equal("done", events[^1].Event);
        Assert.All(events, e => Assert.Equal(e.Event, e.Data.Text("type")));
        var tokens = string.Concat(events.Where(e => e.Event == "token").Select(e => e.Data.Text("text")));
        var result = events[^1].Data.GetProperty("result");
        Assert.Equal(result.Text("text"), tokens);
        Assert.True(events.Count(e => e.Event == "token") > 1, "the answer should arrive in several pieces");
        var requestId = result.GetProperty("requestId").GetGuid();
        await completions.WaitForAsync(c => c.RequestId == requestId, "the saga hears the execution complete");
        Assert.Equal(events.Count(e => e.Event == "token"), completions.Messages.Single(c => c.RequestId == requestId).TokenCount);
    }

    [Fact]
    public async Task Token_pieces_reach_the_caller_transient_and_the_served_answer_persistent()
    {
        var apiBus = system.Api.Services.GetRequiredService<IBus>();
        using var tokens = new ConsumedMessages<ChatTokenStreamed>(apiBus);
        using var served = new ConsumedMessages<ChatServed>(apiBus);
        using var http = system.CreateClient();

        var (response, events) = await ChatClient.PostSseAsync(http, new { message = $"What does a processor have to do under the GDPR? ({Guid.NewGuid():N})" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = events[^1].Data.GetProperty("result").GetProperty("requestId").GetGuid();
        await served.WaitForAsync(s => s.RequestId == requestId, "the API consumed the served answer");
        var pieces = tokens.Deliveries.Where(d => d.Message.RequestId == requestId).ToList();
        Assert.NotEmpty(pieces);
        Assert.All(pieces, piece => Assert.False(piece.Persistent));
        Assert.True(served.Deliveries.Single(d => d.Message.RequestId == requestId).Persistent);
    }

    [Fact]
    public async Task SignalR_caller_streams_routed_tokens_and_done()
    {
        var events = await ChatClient.StreamHubAsync(system.ApiAddress, new { message = "Articolo 28 del GDPR" });

        Assert.Equal("routed", events[0].Text("type"));
        Assert.Equal("done", events[^1].Text("type"));
        var tokens = string.Concat(events.Where(e => e.Text("type") == "token").Select(e => e.Text("text")));
        Assert.Equal(events[^1].GetProperty("result").Text("text"), tokens);
        Assert.NotEmpty(events[^1].GetProperty("result").GetProperty("citations").EnumerateArray());
    }

    [Fact]
    public async Task Every_accepted_request_is_archived_and_its_saga_completes()
    {
        using var http = system.CreateClient();

        var (_, result) = await ChatClient.PostJsonAsync(http, new { message = "Che cos'è il regolamento DORA?" });

        var requestId = result.GetProperty("requestId").GetGuid();
        await system.WaitUntilRecordedAsync([result]);
        await using var db = system.CreateDbContext();
        Assert.True(await db.Set<ArchivedChatRequest>().AnyAsync(r => r.RequestId == requestId));
        var saga = await db.Set<ChatRoutingState>().SingleAsync(s => s.CorrelationId == requestId);
        Assert.Equal("Completed", saga.CurrentState);
    }

    [Theory]
    [InlineData("{\"message\": \"\"}", "message")]
    [InlineData("{\"message\": \"   \"}", "message")]
    [InlineData("{\"message\": 42}", "Malformed")]
    [InlineData("{\"message\": \"hi\", \"conversationId\": \"not-a-uuid\"}", "Malformed")]
    [InlineData("{\"message\": \"hi\", \"unexpected\": true}", "Malformed")]
    [InlineData("{\"message\": \"hi\"", "Malformed")]
    [InlineData("[]", "Malformed")]
    public async Task Bad_input_gets_a_400_problem_that_says_what_was_wrong_and_writes_nothing(string body, string expected)
    {
        using var http = system.CreateClient();
        await using var db = system.CreateDbContext();
        var before = await db.Set<ArchivedChatRequest>().CountAsync();

        var response = await http.PostAsync("/api/chat", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(expected, problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(problem.TryGetProperty("traceId", out _));
        Assert.Equal(before, await db.Set<ArchivedChatRequest>().CountAsync());
    }

    [Fact]
    public async Task Oversized_message_is_rejected_with_400()
    {
        using var http = system.CreateClient();

        var (response, problem) = await ChatClient.PostJsonAsync(http, new { message = new string('x', 8_001) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("8000", problem.GetProperty("errors").GetProperty("message")[0].GetString());
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_format_with_request_database_and_runtime_meters()
    {
        using var http = system.CreateClient();
        await ChatClient.PostJsonAsync(http, new { message = "What is DORA?" });

        var text = "";
        // Scrapes are cached briefly: poll until the request shows up.
        await Eventually.TrueAsync(async () =>
        {
            var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            return text.Contains("# TYPE http_server_request_duration_seconds histogram", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "ASP.NET Core's request meter should be exported");

        Assert.Contains("db_client_operation_duration_seconds", text);
        Assert.Contains("dotnet_gc_collections_total", text);
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        using var http = system.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }
}
