using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Pipeline.Api.Chat;
using Xunit;

namespace Pipeline.EndToEnd.Tests.Hostile;

/// <summary>
/// Fault: one SignalR caller trying to see another's events — by asking at the same time, by reusing the other's
/// conversation id, and by invoking hub methods with the other's request id. Load: two real client connections,
/// each asking one question concurrently. Invariant: each connection receives only events carrying its own request
/// id and gets its <c>done</c>; no hub method accepts a request id, and invoking one is refused.
/// </summary>
public sealed class HubIsolationTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task Two_connections_asking_at_once_in_the_same_conversation_each_see_only_their_own_events()
    {
        // One caller on two connections: a conversation belongs to one identity, and another's is a 404
        // (ConversationOwnershipTests), so two connections of its owner are the only way to share one.
        await using var a = ChatClient.Connect(system.ApiAddress, userId: "hub-shared");
        await using var b = ChatClient.Connect(system.ApiAddress, userId: "hub-shared");
        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        // The one handle a connection could learn about another is its conversation; sharing it must not share events.
        var conversationId = Guid.NewGuid();

        var results = await Task.WhenAll(
            CollectAsync(a, new { message = "Cos'è il GDPR?", conversationId }),
            CollectAsync(b, new { message = "What does a processor have to do under the GDPR?", conversationId }));
        var (eventsA, eventsB) = (results[0], results[1]);

        var idsA = RequestIds(eventsA);
        var idsB = RequestIds(eventsB);
        Assert.Single(idsA);
        Assert.Single(idsB);
        Assert.NotEqual(idsA.Single(), idsB.Single());
        Assert.Contains(eventsA, e => e.Text("type") == "done");
        Assert.Contains(eventsB, e => e.Text("type") == "done");
        Assert.DoesNotContain(eventsA, e => e.Text("type") == "error");
        Assert.DoesNotContain(eventsB, e => e.Text("type") == "error");
    }

    [Fact]
    public async Task No_hub_method_takes_a_request_id_and_asking_for_another_connections_request_is_refused()
    {
        var methods = typeof(ChatHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        Assert.DoesNotContain(methods.SelectMany(m => m.GetParameters()),
            p => p.ParameterType == typeof(Guid) || p.Name?.Contains("requestId", StringComparison.OrdinalIgnoreCase) == true);

        await using var a = ChatClient.Connect(system.ApiAddress, userId: "hub-snoop");
        await using var b = ChatClient.Connect(system.ApiAddress, userId: "hub-victim");
        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        var eventsB = await CollectAsync(b, new { message = "Cos'è il GDPR?" });
        var requestB = RequestIds(eventsB).Single();

        foreach (var method in new[] { "Subscribe", "Join", "Events", "Resume", "Chat" })
            await Assert.ThrowsAsync<HubException>(() => Drain(a.StreamAsync<JsonElement>(method, requestB)));
        var ownEvents = await CollectAsync(a, new { message = "Cos'è il GDPR?" });

        Assert.DoesNotContain(requestB, RequestIds(ownEvents));
        Assert.Contains(ownEvents, e => e.Text("type") == "done");
    }

    private static async Task<List<JsonElement>> CollectAsync(HubConnection connection, object body)
    {
        var events = new List<JsonElement>();
        await foreach (var e in connection.StreamAsync<JsonElement>("Chat", body))
            events.Add(e);
        return events;
    }

    private static async Task Drain(IAsyncEnumerable<JsonElement> stream)
    {
        await foreach (var _ in stream)
        {
        }
    }

    private static HashSet<Guid> RequestIds(IEnumerable<JsonElement> events) =>
        events.Select(e => e.GetProperty("requestId").GetGuid()).ToHashSet();
}
