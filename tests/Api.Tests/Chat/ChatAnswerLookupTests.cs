using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Requests;
using Pipeline.Persistence.Routing;
using Xunit;

namespace Pipeline.Api.Tests.Chat;

/// <summary>
/// <c>GET /api/chat/{requestId}</c>: a caller whose connection or API instance died fetches its answer by id.
/// Invariant: only the identity that made the request sees it (anyone else gets the 404 of an unknown id), a running
/// request is 202 with Retry-After, an answered one is the ChatResult its caller was sent, a malformed id is 400.
/// </summary>
public sealed class ChatAnswerLookupTests(ApiHost api) : IClassFixture<ApiHost>
{
    private static readonly ChatAnswer Answer = new("Il Cyber Resilience Act [1] ...", [new ChatCitation(1, "cra-art-1")],
        [new ChatSource("cra-art-1", "cra", "Cyber Resilience Act", 1, 0.9, "regulation", null)], false, 120, new ChatUsage(10, 20, 0.001m));

    [Fact]
    public async Task The_caller_that_made_the_request_gets_its_answer_as_the_post_returned_it()
    {
        var (requestId, conversationId) = await ArrangeAsync("user:alice", answered: true);
        using var http = api.Client(key: null);

        using var response = await http.SendAsync(Get(requestId, userId: "alice"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(requestId, result.GetProperty("requestId").GetGuid());
        Assert.Equal(conversationId, result.GetProperty("conversationId").GetGuid());
        Assert.Equal(Answer.Text, result.GetProperty("text").GetString());
        Assert.Equal("cra-art-1", result.GetProperty("citations")[0].GetProperty("sourceId").GetString());
        Assert.Equal("legacy", result.GetProperty("poweredBy").GetString());
        Assert.Equal(1500, result.GetProperty("latencyMs").GetInt64());
        Assert.Equal(20, result.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task Any_other_identity_gets_404_as_for_an_unknown_id()
    {
        var (requestId, _) = await ArrangeAsync("user:alice", answered: true);
        using var anonymous = api.Client(key: null);
        using var withUserKey = api.Client(ApiHost.UserKey);

        using var bob = await anonymous.SendAsync(Get(requestId, userId: "bob"));
        using var nobody = await anonymous.SendAsync(Get(requestId, userId: null));
        using var keyed = await withUserKey.SendAsync(Get(requestId, userId: "alice"));
        using var unknown = await anonymous.SendAsync(Get(Guid.NewGuid(), userId: "alice"));

        Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, keyed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // Nothing tells another caller's request from one that does not exist.
        var title = (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString();
        Assert.Equal(title, (await bob.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_request_still_running_is_202_with_retry_after()
    {
        var (requestId, _) = await ArrangeAsync("session:s-1", answered: false);
        using var http = api.Client(key: null);
        using var request = Get(requestId, userId: null);
        request.Headers.Add("X-Session-Id", "s-1");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal($"/api/chat/{requestId}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_failed_request_answers_with_the_status_its_caller_was_sent()
    {
        var (requestId, _) = await ArrangeAsync("user:carol", answered: false);
        await using (var db = api.CreateDbContext())
        {
            db.Add(ChatRequestOutcome.Failed(requestId, 0, 504, "The answer did not arrive before the deadline.", DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        using var http = api.Client(key: null);
        using var response = await http.SendAsync(Get(requestId, userId: "carol"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("deadline", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12345")]
    public async Task A_malformed_id_is_400(string id)
    {
        using var http = api.Client(key: null);

        using var response = await http.GetAsync($"/api/chat/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("requestId", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_caller_chosen_request_id_is_fetchable_at_once_and_cannot_be_taken_twice()
    {
        var requestId = Guid.NewGuid();
        using var http = api.Client(key: null);
        http.Timeout = TimeSpan.FromSeconds(3);

        // No worker answers in this host: the request is accepted and archived, then the caller gives up waiting.
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => http.SendAsync(Post(requestId, "dave")));
        using var lookup = api.Client(key: null);
        using var running = await lookup.SendAsync(Get(requestId, userId: "dave"));
        using var again = await lookup.SendAsync(Post(requestId, "dave"));
        using var hijack = await lookup.SendAsync(Post(requestId, "mallory"));

        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, hijack.StatusCode);
    }

    [Fact]
    public async Task Concurrent_submissions_of_one_caller_chosen_id_accept_one_and_answer_the_others_409()
    {
        const int Submissions = 8;
        var requestId = Guid.NewGuid();
        using var http = api.Client(key: null);
        http.Timeout = TimeSpan.FromSeconds(3);

        // No worker answers in this host: the accepted one waits until the caller gives up, the others are refused.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Submissions).Select(async _ =>
        {
            try
            {
                using var response = await http.SendAsync(Post(requestId, "erin"));
                return (HttpStatusCode?)response.StatusCode;
            }
            catch (TaskCanceledException)
            {
                return null; // accepted, and still waiting for its answer
            }
        }));

        Assert.Equal(Submissions - 1, outcomes.Count(status => status == HttpStatusCode.Conflict));
        Assert.Equal(1, outcomes.Count(status => status is null));
        await using var db = api.CreateDbContext();
        Assert.Equal(1, await db.Set<ArchivedChatRequest>().CountAsync(r => r.RequestId == requestId));
    }

    [Fact]
    public async Task A_caller_chosen_id_the_saga_knows_without_an_archive_row_is_refused_409_and_writes_nothing()
    {
        // A replay's or an experiment's request has a saga row and no archive row.
        var requestId = Guid.NewGuid();
        await using (var db = api.CreateDbContext())
        {
            var requestedAt = DateTime.UtcNow;
            db.Add(ChatRoutingState.Dispatched(requestId, Guid.NewGuid(), new ChatQuestion("Che cos'è il CRA?", false, "frank", null, "frank"),
                new Uri("queue:instance-api-elsewhere"), streamTokens: false, requestedAt, requestedAt.AddSeconds(30)));
            await db.SaveChangesAsync();
        }

        using var http = api.Client(key: null);
        using var response = await http.SendAsync(Post(requestId, "frank"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        await using var check = api.CreateDbContext();
        Assert.False(await check.Set<ArchivedChatRequest>().AnyAsync(r => r.RequestId == requestId));
    }

    private async Task<(Guid RequestId, Guid ConversationId)> ArrangeAsync(string owner, bool answered)
    {
        var (requestId, conversationId) = (Guid.NewGuid(), Guid.NewGuid());
        var requestedAt = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
        await using var db = api.CreateDbContext();
        db.Add(new Conversation { Id = conversationId, Owner = owner, CreatedAt = requestedAt });
        db.Add(new ArchivedChatRequest { RequestId = requestId, ConversationId = conversationId, Message = "Che cos'è il CRA?", BucketingKey = "k", RequestedAt = requestedAt });
        if (answered)
        {
            var command = new ExecuteChat(requestId, conversationId, ChatPipeline.Legacy, 0, new ChatQuestion("Che cos'è il CRA?", false, null, null, "k"),
                new ExecutionSettings(false, requestedAt.AddSeconds(20), RoutingMode.Shadow, false, null, 0, null), null);
            db.Add(ChatRequestOutcome.Served(command, Answer, requestedAt.AddMilliseconds(1500)));
        }

        await db.SaveChangesAsync();
        return (requestId, conversationId);
    }

    private static HttpRequestMessage Get(Guid requestId, string? userId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/chat/{requestId}");
        if (userId is not null)
            request.Headers.Add("X-User-Id", userId);
        return request;
    }

    private static HttpRequestMessage Post(Guid requestId, string userId)
    {
        var body = JsonSerializer.Serialize(new { message = "Che cos'è il Cyber Resilience Act?", requestId });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-User-Id", userId);
        return request;
    }
}
