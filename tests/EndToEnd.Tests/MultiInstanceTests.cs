using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Flags;
using Pipeline.Persistence.Requests;
using Pipeline.Answering.Serving;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Pipeline.Persistence.Serving;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;
using Pipeline.Platform.Routing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Fault: two of every host — API, coordinator, legacy worker, workflow worker — each its own process on one database
/// and virtual host, the routing flag in shadow mode; one instance of each is SIGKILLed once a third of the load is
/// answered. Load: 150 callers (50 each over JSON, SSE and SignalR), half on each API, 16 at a time, each request in
/// its own conversation under its own identity, with a request id the caller chose.
/// Invariants: every caller of the surviving API gets exactly one answer, its own; every caller of the killed API
/// fetches its answer by request id from the survivor (or, when the killed instance never accepted it, resubmits it
/// there); every request is served once (one serving claim, one outcome, two history rows), the saga finishes it with
/// exactly one comparison, and no message is left in any queue or outbox.
/// Measured (2026-12-06, shared 2-core machine at load average ~100): killed after 133 s with 50 answered and 15 in
/// flight, all 150 answered after 197 s; of the 75 callers of the killed API, 34 were answered before it died, 9
/// fetched their answer by id and 32 resubmitted (never accepted); 150 outcomes, 150 served claims, 300 history rows,
/// 150 chat comparisons. With the served answer not stored, 4 callers of the killed API never could fetch it and the
/// test failed.
/// </summary>
public sealed class MultiInstanceTests(IsolatedInfrastructure infrastructure, ITestOutputHelper output) : IClassFixture<IsolatedInfrastructure>
{
    private const int CallersPerChannel = 50;
    private const int Concurrency = 16;
    private static readonly string RoutingSaga = new RoutingOptions().SagaEndpoint;
    private const string AdminKey = "multi-instance-tests-admin-key";
    private static readonly string ApiInstanceQueuePrefix = Pipeline.Platform.Bus.BusServiceCollectionExtensions.InstanceEndpointPrefix + "api-";
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Channels = ["json", "sse", "signalr"];
    private static readonly string[] Questions =
    [
        "Che cos'è il Cyber Resilience Act?",
        "Quali obblighi hanno i fabbricanti secondo il Cyber Resilience Act?",
        "What does the AI Act say about high-risk systems?",
    ];

    [Fact]
    public async Task Killing_one_instance_of_each_host_mid_load_loses_and_duplicates_nothing()
    {
        var settings = Settings();
        await PipelineSystem.SeedAsync(settings);
        var (survivorAddress, doomedAddress) = (FreeLoopbackAddress(), FreeLoopbackAddress());
        await using var survivor = await StartApiAsync(settings, survivorAddress);
        // Shadow mode before any router starts, so both coordinators route every request with a shadow run.
        await SetRoutingFlagToShadowAsync(survivorAddress);
        await using var doomedApi = await StartApiAsync(settings, doomedAddress);
        await using var coordinator = await StartWorkerAsync(settings, "Coordinator", RoutingSaga);
        await using var doomedCoordinator = await StartWorkerAsync(settings, "Coordinator", RoutingSaga);
        await using var legacy = await StartWorkerAsync(settings, "Workers.Legacy", "legacy-chat");
        await using var doomedLegacy = await StartWorkerAsync(settings, "Workers.Legacy", "legacy-chat");
        await using var workflow = await StartWorkerAsync(settings, "Workers.Workflow", "workflow-chat");
        await using var doomedWorkflow = await StartWorkerAsync(settings, "Workers.Workflow", "workflow-chat");

        var callers = Channels.SelectMany(channel => Enumerable.Range(0, CallersPerChannel).Select(i => new Caller(
                channel, OnDoomedApi: i % 2 == 1, Guid.NewGuid(), Guid.NewGuid(), $"{channel}-{i}-{Guid.NewGuid():N}", Questions[i % Questions.Length])))
            .OrderBy(c => c.RequestId) // interleave the channels
            .ToList();
        var answeredBeforeKill = callers.Count / 3;
        var answered = 0;
        var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(Concurrency);

        var outcomes = callers.Select(async caller =>
        {
            await gate.WaitAsync();
            try
            {
                Interlocked.Increment(ref started);
                var outcome = await CallAsync(caller, caller.OnDoomedApi ? doomedAddress : survivorAddress, survivorAddress);
                if (Interlocked.Increment(ref answered) == answeredBeforeKill)
                    killed.TrySetResult(Volatile.Read(ref started) - answeredBeforeKill);
                return outcome;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        var inFlightAtKill = await killed.Task;
        var killedAt = clock.Elapsed;
        // A crash of one of each: no shutdown, no acknowledgements, no outbox flush.
        await Task.WhenAll(doomedApi.KillAsync(), doomedCoordinator.KillAsync(), doomedLegacy.KillAsync(), doomedWorkflow.KillAsync());
        var results = await Task.WhenAll(outcomes);
        var answeredAt = clock.Elapsed;

        var ids = callers.Select(c => c.RequestId).ToList();
        var byHow = results.GroupBy(r => (r.Caller.Channel, r.Caller.OnDoomedApi, r.How)).OrderBy(g => g.Key.ToString())
            .Select(g => $"{g.Key.Channel}/{(g.Key.OnDoomedApi ? "killed-api" : "surviving-api")}/{g.Key.How}: {g.Count()}");
        output.WriteLine($"{callers.Count} callers, {Concurrency} at a time; one of each host killed after {killedAt.TotalSeconds:F1} s " +
            $"with {answeredBeforeKill} answered and {inFlightAtKill} in flight; all answered after {answeredAt.TotalSeconds:F1} s");
        output.WriteLine(string.Join("; ", byHow));
        foreach (var failed in results.Where(r => r.Failure is not null).Take(10))
            output.WriteLine($"{failed.Caller.Channel} {failed.Caller.RequestId} ({(failed.Caller.OnDoomedApi ? "killed" : "surviving")} API): {failed.Failure}");

        await using var db = infrastructure.CreateDbContext();
        await UntilAsync(() => db.Set<ChatRoutingState>().CountAsync(s => ids.Contains(s.CorrelationId) && s.FinishedAt != null), ids.Count,
            "requests the routing saga finished");
        var uncompared = await db.Set<ChatRoutingState>().Where(s => ids.Contains(s.CorrelationId)).Select(s => new { s.CorrelationId, s.CurrentState, s.ShadowOutcome })
            .ToListAsync();
        await UntilAsync(() => ChatComparisons(db, ids).Select(c => c.RequestId).Distinct().CountAsync(), ids.Count, "requests compared",
            async () =>
            {
                var compared = await ChatComparisons(db, ids).Select(c => c.RequestId).ToListAsync();
                return string.Join(", ", uncompared.Where(s => !compared.Contains(s.CorrelationId)).Select(s => $"{s.CorrelationId} {s.CurrentState} shadow {s.ShadowOutcome}"));
            });
        var draining = Stopwatch.StartNew();
        var (leftovers, expiring) = await Leftovers(db);
        while (leftovers.Count > 0 && draining.Elapsed < DrainTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            (leftovers, expiring) = await Leftovers(db);
        }

        Assert.True(leftovers.Count == 0, $"the queues and outboxes should drain within {DrainTimeout.TotalSeconds:F0} s; left: {string.Join("; ", leftovers)}");
        output.WriteLine("left to expire with the killed API's own queue: " + (expiring.Count == 0 ? "nothing" : string.Join("; ", expiring)));

        var servedClaims = await db.Set<ServingClaim>().Where(c => ids.Contains(c.RequestId) && c.Outcome == ServingClaims.Served)
            .GroupBy(c => c.RequestId).Select(g => g.Count()).ToListAsync();
        var outcomeRows = await db.Set<ChatRequestOutcome>().Where(o => ids.Contains(o.RequestId)).ToListAsync();
        var history = await db.Set<ConversationMessage>().Where(m => ids.Contains(m.RequestId))
            .GroupBy(m => m.ConversationId).Select(g => g.Count()).ToListAsync();
        var comparisons = await ChatComparisons(db, ids).GroupBy(c => c.RequestId).Select(g => g.Count()).ToListAsync();
        var archived = await db.Set<ArchivedChatRequest>().CountAsync(r => ids.Contains(r.RequestId));
        output.WriteLine($"archived {archived}, outcomes {outcomeRows.Count}, served claims {servedClaims.Sum()} over {servedClaims.Count} requests, " +
            $"history rows {history.Sum()} over {history.Count} conversations, chat comparisons {comparisons.Sum()} over {comparisons.Count} requests");

        Assert.All(results, r =>
        {
            Assert.True(r.Failure is null, $"{r.Caller.Channel} caller of the {(r.Caller.OnDoomedApi ? "killed" : "surviving")} API: {r.Failure}");
            Assert.Equal(1, r.Answers);
            Assert.Equal(r.Caller.RequestId, r.Result.GetProperty("requestId").GetGuid());
            Assert.Equal(r.Caller.ConversationId, r.Result.GetProperty("conversationId").GetGuid());
            Assert.Equal("shadow", r.Result.GetProperty("mode").GetString());
        });
        Assert.All(results.Where(r => !r.Caller.OnDoomedApi), r => Assert.Equal(How.Direct, r.How));
        Assert.Contains(results, r => r.Caller.OnDoomedApi && r.How == How.Fetched);
        Assert.Equal(ids.Count, archived);
        Assert.Equal(ids.Count, outcomeRows.Count(o => o.Status == ChatRequestOutcome.ServedStatus));
        Assert.Equal(ids.Count, servedClaims.Count);
        Assert.All(servedClaims, n => Assert.Equal(1, n));
        Assert.Equal(ids.Count, history.Count);
        Assert.All(history, n => Assert.Equal(2, n));
        Assert.Equal(ids.Count, comparisons.Count);
        Assert.All(comparisons, n => Assert.Equal(1, n));
        Assert.Empty(leftovers);
    }

    /// <summary>Waits for <paramref name="count"/> to reach <paramref name="expected"/>, and says how far it got if it does not.</summary>
    private static async Task UntilAsync(Func<Task<int>> count, int expected, string what, Func<Task<string>>? explain = null)
    {
        var last = 0;
        try
        {
            await Eventually.TrueAsync(async () => (last = await count()) == expected, TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what}: {last} of {expected}. {(explain is null ? "" : await explain())}");
        }
    }

    /// <summary>Asks as the caller would; a caller of the killed API that loses its connection recovers through the survivor.</summary>
    private async Task<Outcome> CallAsync(Caller caller, Uri address, Uri survivorAddress)
    {
        var body = new { message = caller.Question, conversationId = caller.ConversationId, requestId = caller.RequestId };
        try
        {
            var (answers, result, failure) = await AskAsync(caller, address, body);
            if (answers > 0 || !caller.OnDoomedApi)
                return new Outcome(caller, How.Direct, answers, result, failure);
        }
        catch (Exception) when (caller.OnDoomedApi)
        {
            // The connection died with the instance (how it surfaces differs by transport): recovered below.
        }
        catch (Exception ex)
        {
            return new Outcome(caller, How.Direct, 0, default, ex.GetType().Name + ": " + ex.Message);
        }

        return await RecoverAsync(caller, survivorAddress, body);
    }

    /// <returns>How many final answers the caller received, the last one, and what went wrong if it was not an answer.</returns>
    private static async Task<(int Answers, JsonElement Result, string? Failure)> AskAsync(Caller caller, Uri address, object body)
    {
        switch (caller.Channel)
        {
            case "json":
            {
                using var http = Client(address, caller.UserId);
                var (response, result) = await ChatClient.PostJsonAsync(http, body);
                return response.StatusCode == HttpStatusCode.OK ? (1, result, null) : (0, default, $"POST answered {(int)response.StatusCode}");
            }
            case "sse":
            {
                using var http = Client(address, caller.UserId);
                var (response, events) = await ChatClient.PostSseAsync(http, body);
                var done = events.Where(e => e.Event == "done").Select(e => e.Data.GetProperty("result")).ToList();
                var errors = events.Where(e => e.Event == "error").Select(e => e.Data.GetRawText()).ToList();
                return (done.Count, done.LastOrDefault(),
                    response.StatusCode != HttpStatusCode.OK ? $"SSE answered {(int)response.StatusCode}" : errors.Count > 0 ? string.Join(" ", errors) : null);
            }
            default:
            {
                var events = await ChatClient.StreamHubAsync(address, body, caller.UserId);
                var done = events.Where(e => e.GetProperty("type").GetString() == "done").Select(e => e.GetProperty("result")).ToList();
                var errors = events.Where(e => e.GetProperty("type").GetString() == "error").Select(e => e.GetRawText()).ToList();
                return (done.Count, done.LastOrDefault(), errors.Count > 0 ? string.Join(" ", errors) : null);
            }
        }
    }

    /// <summary>
    /// What a client of a dead instance does: fetch the answer by the request id it chose; an id the dead instance never
    /// accepted is unknown (404) and is submitted again, to the survivor.
    /// </summary>
    private static async Task<Outcome> RecoverAsync(Caller caller, Uri survivorAddress, object body)
    {
        using var http = Client(survivorAddress, caller.UserId);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            using var fetched = await http.GetAsync($"/api/chat/{caller.RequestId}");
            switch (fetched.StatusCode)
            {
                case HttpStatusCode.OK:
                    return new Outcome(caller, How.Fetched, 1, await fetched.Content.ReadFromJsonAsync<JsonElement>(), null);
                case HttpStatusCode.Accepted:
                    await Task.Delay(TimeSpan.FromMilliseconds(250));
                    continue;
                case HttpStatusCode.NotFound:
                    var (response, result) = await ChatClient.PostJsonAsync(http, body);
                    if (response.StatusCode == HttpStatusCode.OK)
                        return new Outcome(caller, How.Resubmitted, 1, result, null);
                    if (response.StatusCode != HttpStatusCode.Conflict) // accepted by the dead instance after all: fetch it
                        return new Outcome(caller, How.Resubmitted, 0, default, $"resubmission answered {(int)response.StatusCode}");
                    continue;
                default:
                    return new Outcome(caller, How.Fetched, 0, default, $"GET answered {(int)fetched.StatusCode}");
            }
        }

        return new Outcome(caller, How.Fetched, 0, default, "the answer never became fetchable");
    }

    private static IQueryable<Comparison> ChatComparisons(Pipeline.Persistence.PipelineDbContext db, List<Guid> ids)
    {
        var chat = ComparisonNames.Of(ComparisonKind.Chat);
        return db.Set<Comparison>().Where(c => ids.Contains(c.RequestId) && c.Kind == chat && !c.NoiseSample);
    }

    /// <summary>Every queue holding a message (ready or unacknowledged), and every outbox table with a row.</summary>
    /// <summary>
    /// Every queue holding a message (ready or unacknowledged) and every outbox table with a row, apart from the killed
    /// API's own instance queue: durable so that a broker restart loses no answer, it keeps the events sent to callers
    /// who are gone (their answers are stored and fetched by id) until the broker deletes it, unused, at its expiry.
    /// Those are listed separately, and only a consumer-less API instance queue that carries its expiry counts as one.
    /// </summary>
    private async Task<(List<string> Leftovers, List<string> Expiring)> Leftovers(Pipeline.Persistence.PipelineDbContext db)
    {
        var leftovers = new List<string>();
        var expiring = new List<string>();
        using var management = infrastructure.Endpoints.ManagementClient();
        var queues = await management.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(infrastructure.VirtualHost)}");
        foreach (var queue in queues.EnumerateArray())
        {
            var messages = Count(queue, "messages_ready") + Count(queue, "messages_unacknowledged");
            if (messages == 0)
                continue;
            var name = queue.GetProperty("name").GetString();
            var departedApi = name is not null && name.StartsWith(ApiInstanceQueuePrefix, StringComparison.Ordinal) && Count(queue, "consumers") == 0
                && queue.TryGetProperty("arguments", out var arguments) && arguments.TryGetProperty("x-expires", out _);
            (departedApi ? expiring : leftovers).Add($"queue {name}: {messages}");
        }

        if (await db.Set<OutboxMessage>().CountAsync() is > 0 and var outboxMessages)
            leftovers.Add($"{OutboxTables.OutboxMessage}: {outboxMessages}");
        if (await db.Set<OutboxState>().CountAsync() is > 0 and var outboxStates)
            leftovers.Add($"{OutboxTables.OutboxState}: {outboxStates}");
        return (leftovers, expiring);

        static long Count(JsonElement queue, string property) =>
            queue.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
    }

    private Dictionary<string, string?> Settings() => new(infrastructure.Settings)
    {
        // Far above what queueing on a busy 2-core machine adds, so that a 504 means a lost message, not a slow one.
        ["Routing:Deadline"] = "00:01:30",
        ["Routing:SweepInterval"] = "00:00:00.200",
        ["Chat:CallerTimeout"] = "00:02:00",
        ["Admin:ApiKeys:0"] = AdminKey,
        ["Flags:PollInterval"] = "00:00:01",
        ["KnowledgeBase:SamplePath"] = RepositoryPaths.SampleKnowledgeBase,
        // Executions last long enough that each worker holds some, unacknowledged, when it dies.
        ["Execution:InjectedLatency"] = "00:00:00.150",
    };

    private static Task<WorkerProcess> StartApiAsync(Dictionary<string, string?> settings, Uri address)
    {
        return WorkerProcess.StartAsync("Api", "Pipeline.Api", new Dictionary<string, string?>(settings) { ["Urls"] = address.ToString().TrimEnd('/') },
            async () =>
            {
                using var http = new HttpClient { BaseAddress = address };
                return (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
            }, $"the API at {address} should become ready");
    }

    /// <summary>Starts a worker and waits until its queue has one consumer more than before (the first instance's counts).</summary>
    private async Task<WorkerProcess> StartWorkerAsync(Dictionary<string, string?> settings, string project, string queue)
    {
        using var management = infrastructure.Endpoints.ManagementClient();
        var path = $"api/queues/{Uri.EscapeDataString(infrastructure.VirtualHost)}/{queue}";
        async Task<int> ConsumersAsync()
        {
            var response = await management.GetAsync(path);
            if (!response.IsSuccessStatusCode)
                return 0;
            var info = await response.Content.ReadFromJsonAsync<JsonElement>();
            return info.TryGetProperty("consumers", out var consumers) ? consumers.GetInt32() : 0;
        }

        var before = await ConsumersAsync();
        return await WorkerProcess.StartAsync(project, "Pipeline." + project, settings, async () => await ConsumersAsync() > before,
            $"a {project} process should consume from {queue}");
    }

    private static async Task SetRoutingFlagToShadowAsync(Uri api)
    {
        using var http = new HttpClient { BaseAddress = api };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        var flag = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{MigrationFlags.WorkflowComplete}");
        var response = await http.PatchAsJsonAsync($"/api/flags/{MigrationFlags.WorkflowComplete}",
            new { status = FlagStatus.Shadow, version = flag.GetProperty("version").GetInt64() });
        response.EnsureSuccessStatusCode();
    }

    private static HttpClient Client(Uri address, string userId)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(150) };
        http.DefaultRequestHeaders.Add("X-User-Id", userId);
        return http;
    }

    private static Uri FreeLoopbackAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    private sealed record Caller(string Channel, bool OnDoomedApi, Guid RequestId, Guid ConversationId, string UserId, string Question);

    private enum How
    {
        /// <summary>Answered on the connection that asked.</summary>
        Direct,

        /// <summary>Fetched by request id from the surviving API.</summary>
        Fetched,

        /// <summary>Never accepted by the killed API, so asked again of the survivor.</summary>
        Resubmitted,
    }

    private sealed record Outcome(Caller Caller, How How, int Answers, JsonElement Result, string? Failure);
}
