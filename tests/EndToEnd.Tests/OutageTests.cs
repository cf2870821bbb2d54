using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Flags;
using Pipeline.Persistence.Requests;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The system with deadlines long enough that an outage of a few seconds ends in answers rather than timeouts: the
/// outage, the recovery, and working off 500 shadow requests on a loaded 2-core machine (measured 75-110 s after the
/// broker's return, over 200 s with a build running beside it) must fit. An answer lost rather than late still ends in a 504 at the deadline.
/// </summary>
public sealed class OutageSystem : PipelineSystem
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Routing:Deadline"] = "00:04:00",
        ["Routing:ShadowWait"] = "00:01:00",
        ["Chat:CallerTimeout"] = "00:04:00",
    };
}

/// <summary>
/// Real outages of the real servers, under load. These stop PostgreSQL or RabbitMQ for the whole machine, so they run
/// inside the end-to-end project, whose tests run one at a time, and always bring the server back.
/// </summary>
public sealed class OutageTests(OutageSystem system, ITestOutputHelper output) : IClassFixture<OutageSystem>
{
    private static readonly HttpStatusCode[] CleanEndings =
        [HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout, HttpStatusCode.BadGateway];

    /// <summary>
    /// Fault: PostgreSQL stopped for 10 s. Load: 4 callers in closed loops throughout. Invariant: callers get answers or
    /// 503 with Retry-After (never a 500), every accepted request finishes once the database is back, and the service
    /// answers normally again without a restart.
    /// </summary>
    [Fact]
    public async Task A_ten_second_database_outage_gives_503s_loses_nothing_accepted_and_recovers_unaided()
    {
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var retryAfterOn503 = new ConcurrentBag<bool>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            using var http = system.CreateClient();
            // Longer than the API's own bound on waiting, so every ending seen is the API's.
            http.Timeout = TimeSpan.FromMinutes(5);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync("/api/chat", new { message = $"What is DORA? ({i}-{n})" });
                    statuses.Add(response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                        retryAfterOn503.Add(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
                }
                catch (TaskCanceledException)
                {
                    statuses.Add(HttpStatusCode.RequestTimeout);
                }

                await Task.Delay(50);
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        await ServerControl.StopPostgresAsync();
        var duringOutage = new List<HttpStatusCode>();
        try
        {
            // New callers during the outage, beside the ones already waiting: each must be told to come back later.
            using var probe = system.CreateClient();
            var outage = System.Diagnostics.Stopwatch.StartNew();
            while (outage.Elapsed < TimeSpan.FromSeconds(10))
            {
                using var response = await probe.PostAsJsonAsync("/api/chat", new { message = "Probe during the outage" });
                duringOutage.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    retryAfterOn503.Add(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
                await Task.Delay(500);
            }
        }
        finally
        {
            await ServerControl.StartPostgresAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.All(statuses, s => Assert.Contains(s, CleanEndings));
        Assert.NotEmpty(duringOutage);
        Assert.All(duringOutage, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        Assert.All(retryAfterOn503, Assert.True);
        await AssertEveryAcceptedRequestFinishesAsync();
        using var after = system.CreateClient();
        var (ok, _) = await ChatClient.PostJsonAsync(after, new { message = "Cos'è il GDPR?" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    /// <summary>
    /// Fault: the broker down for 10 s while 500 shadow requests are in flight. Invariant (issue #21 item 12): every
    /// accepted request is answered (200, never a 504: nothing sent to the caller's instance is lost while its queue is
    /// gone), a request refused during the outage is a 503, every consumer is consuming again within 5 s of the
    /// broker's return, no saga is left unfinished, no outbox message is lost, and every finished shadow request has
    /// exactly one comparison. The notes give the recovery times.
    /// </summary>
    [Fact]
    public async Task A_ten_second_broker_restart_with_500_requests_in_flight_answers_every_accepted_request_and_consumers_resume_within_5_s()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);
        using var management = system.Endpoints.ManagementClient();
        var consuming = await ConsumedQueuesAsync(management);
        Assert.NotEmpty(consuming);

        using var http = system.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(5);
        // The class's other tests archived requests of their own in the same database.
        var since = DateTime.UtcNow.AddSeconds(-1);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var hosts = new Dictionary<string, IServiceProvider>
        {
            ["api"] = system.Api.Services, ["coordinator"] = system.Coordinator.Services,
            ["legacy"] = system.LegacyWorker.Services, ["workflow"] = system.WorkflowWorker.Services,
        };
        var consumed = hosts.ToDictionary(h => h.Key, h => new ConsumeTimes(h.Value.GetRequiredService<MassTransit.IBus>(), started));
        var requests = Enumerable.Range(0, 500).Select(async i =>
        {
            try
            {
                using var response = await http.PostAsJsonAsync("/api/chat", new { message = $"{RestartQuestion}({i})" });
                var body = response.StatusCode == HttpStatusCode.OK ? null : await response.Content.ReadAsStringAsync();
                return (Status: response.StatusCode, Ended: started.Elapsed, Body: body);
            }
            catch (HttpRequestException)
            {
                return (Status: HttpStatusCode.InternalServerError, Ended: started.Elapsed, Body: (string?)null);
            }
        }).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1));
        var stopping = started.Elapsed;
        await ServerControl.StopRabbitMqAsync();
        try
        {
            var left = BrokerOutage - (started.Elapsed - stopping);
            if (left > TimeSpan.Zero)
                await Task.Delay(left);
        }
        finally
        {
            await ServerControl.StartRabbitMqAsync();
        }

        var returned = started.Elapsed;
        // Consumers come back on their own reconnect schedules: poll the broker's own record of them, queue by queue.
        var consumersBack = Task.Run(async () =>
        {
            var back = new Dictionary<string, TimeSpan>();
            while (started.Elapsed - returned < TimeSpan.FromMinutes(2))
            {
                var now = await ConsumedQueuesAsync(management);
                foreach (var queue in now.Intersect(consuming).Where(q => !back.ContainsKey(q)))
                    back[queue] = started.Elapsed - returned;
                if (back.Count == consuming.Count)
                    return back;
                await Task.Delay(100);
            }

            throw new TimeoutException($"Queues without a consumer 2 min after the broker's return: {string.Join(", ", consuming.Except(back.Keys))}");
        });

        var endings = await Task.WhenAll(requests);
        var queuesBack = await consumersBack;
        var recovery = queuesBack.Values.Max();
        foreach (var times in consumed.Values)
            times.Dispose();
        var statuses = endings.Select(e => e.Status).ToList();
        var answeredAfterReturn = endings.Where(e => e.Status == HttpStatusCode.OK && e.Ended > returned).Select(e => e.Ended - returned).Order().ToList();
        output.WriteLine($"broker stopped at {Seconds(stopping)}, back {Seconds(returned - stopping)} later ({BrokerOutage.TotalSeconds:F0} s stopped, plus stop_app and start_app); " +
                         $"every consumer back {Seconds(recovery)} after its return; " +
                         $"answers after the return: {answeredAfterReturn.Count}, first {Seconds(answeredAfterReturn.FirstOrDefault())}, last {Seconds(answeredAfterReturn.LastOrDefault())}");
        output.WriteLine("consumers back after the return: " + string.Join(", ",
            queuesBack.OrderBy(q => q.Value).Select(q => $"{(q.Key.StartsWith("instance-", StringComparison.Ordinal) ? q.Key[..q.Key.IndexOf('-', 9)] : q.Key)} {Seconds(q.Value)}")));
        output.WriteLine("first message consumed after the return: " + string.Join(", ",
            consumed.Select(c => $"{c.Key} {(c.Value.FirstAfter(returned) is { } first ? Seconds(first - returned) : "none")}")));
        output.WriteLine($"every request ended after {started.Elapsed.TotalSeconds:F0} s: " +
                         string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(int)g.Key} x{g.Count()}")));

        await WriteWhyUnansweredAsync(endings.Where(e => e.Status == HttpStatusCode.GatewayTimeout).Select(e => e.Body), started, returned);

        // An accepted request is answered; only one refused up front (the broker unreachable at submission) may be a 503.
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        await using (var db = system.CreateDbContext())
            Assert.Equal(await db.Set<ArchivedChatRequest>().CountAsync(r => r.RequestedAt >= since && r.Message.StartsWith(RestartQuestion)),
                statuses.Count(s => s == HttpStatusCode.OK));
        Assert.True(recovery <= TimeSpan.FromSeconds(5), $"every consumer should be back within 5 s of the broker's return, took {recovery.TotalSeconds:F1} s");
        await AssertEveryAcceptedRequestFinishesAsync();
        output.WriteLine($"every accepted request finished after {started.Elapsed.TotalSeconds:F0} s");

        await using var records = system.CreateDbContext();
        var shadowed = await records.Set<ChatRoutingState>()
            .Where(s => s.Mode == Contracts.RoutingMode.Shadow && s.ServedAnswer != null && s.FinishedAt != null)
            .Select(s => s.CorrelationId).ToListAsync();
        Assert.NotEmpty(shadowed);
        await Eventually.TrueAsync(async () =>
        {
            var compared = await records.Set<Comparison>().Where(c => !c.NoiseSample && c.Kind == "chat" && shadowed.Contains(c.RequestId))
                .GroupBy(c => c.RequestId).Select(g => g.Count()).ToListAsync();
            Assert.All(compared, n => Assert.Equal(1, n));
            return compared.Count == shadowed.Count;
        }, TimeSpan.FromSeconds(60), "every finished shadow request should have exactly one comparison");
    }

    /// <summary>
    /// For the notes of a failing run: whether the requests answered 504 were lost (their saga served them in time, the
    /// answer never reached the caller) or late (served after the deadline, or never), and when they were accepted.
    /// </summary>
    private async Task WriteWhyUnansweredAsync(IEnumerable<string?> problems, System.Diagnostics.Stopwatch started, TimeSpan returned)
    {
        var ids = problems.OfType<string>()
            .Select(p => System.Text.Json.JsonDocument.Parse(p).RootElement.TryGetProperty("requestId", out var id) ? id.GetGuid() : Guid.Empty)
            .Where(id => id != Guid.Empty).ToList();
        if (ids.Count == 0)
            return;

        // The sagas of requests past their deadline settle a moment after the caller's own wait ends.
        await Task.Delay(TimeSpan.FromSeconds(20));
        await using var db = system.CreateDbContext();
        var sagas = await db.Set<ChatRoutingState>().Where(s => ids.Contains(s.CorrelationId))
            .Select(s => new { s.RequestedAt, s.ServedAt, s.FinalDeadlineAt }).ToListAsync();
        var now = (DateTime.UtcNow, started.Elapsed);
        var accepted = sagas.Select(s => now.Elapsed - (now.UtcNow - s.RequestedAt) - returned).DefaultIfEmpty().ToList();
        output.WriteLine($"504s: {ids.Count}; lost (served in time) {sagas.Count(s => s.ServedAt <= s.FinalDeadlineAt)}, " +
                         $"late (served after the deadline) {sagas.Count(s => s.ServedAt > s.FinalDeadlineAt)}, never served {sagas.Count(s => s.ServedAt is null)}, " +
                         $"no saga {ids.Count - sagas.Count}; accepted between {Seconds(accepted.Min())} and {Seconds(accepted.Max())} from the broker's return");
    }

    /// <summary>When a host's bus began consuming each message, on the test's clock.</summary>
    private sealed class ConsumeTimes : MassTransit.IConsumeObserver, IDisposable
    {
        private readonly ConcurrentQueue<TimeSpan> _times = new();
        private readonly System.Diagnostics.Stopwatch _clock;
        private readonly MassTransit.ConnectHandle _handle;

        public ConsumeTimes(MassTransit.IBus bus, System.Diagnostics.Stopwatch clock)
        {
            _clock = clock;
            _handle = bus.ConnectConsumeObserver(this);
        }

        public TimeSpan? FirstAfter(TimeSpan moment) => _times.Where(t => t > moment).Order().Cast<TimeSpan?>().FirstOrDefault();

        public Task PreConsume<T>(MassTransit.ConsumeContext<T> context) where T : class
        {
            _times.Enqueue(_clock.Elapsed);
            return Task.CompletedTask;
        }

        public Task PostConsume<T>(MassTransit.ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(MassTransit.ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

        public void Dispose() => _handle.Disconnect();
    }

    /// <summary>The broker-restart test's questions, numbered: they tell its archived requests from the class's other tests'.</summary>
    private const string RestartQuestion = "Articolo 28 del GDPR ";

    /// <summary>The longest broker restart the system must ride out without failing an accepted request (issue #21).</summary>
    private static readonly TimeSpan BrokerOutage = TimeSpan.FromSeconds(10);

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:F1} s";

    /// <summary>The queues of this system's virtual host that have a consumer now, from the broker's consumer list.</summary>
    private async Task<HashSet<string>> ConsumedQueuesAsync(HttpClient management)
    {
        try
        {
            var consumers = await management.GetFromJsonAsync<List<System.Text.Json.JsonElement>>(
                $"api/consumers/{Uri.EscapeDataString(system.VirtualHost)}");
            return consumers!.Select(c => c.GetProperty("queue").GetProperty("name").GetString()!).ToHashSet();
        }
        catch (HttpRequestException)
        {
            // The management plugin answers a moment after the broker application starts.
            return [];
        }
    }

    /// <summary>Every archived (accepted) request has a routing saga, and every saga reaches an end.</summary>
    private async Task AssertEveryAcceptedRequestFinishesAsync()
    {
        await using var db = system.CreateDbContext();
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var accepted = await db.Set<ArchivedChatRequest>().Select(a => a.RequestId).ToListAsync();
                var finished = await db.Set<ChatRoutingState>().Where(s => s.FinishedAt != null).Select(s => s.CorrelationId).ToListAsync();
                return accepted.Count > 0 && accepted.ToHashSet().IsSubsetOf(finished);
            }, TimeSpan.FromSeconds(150), "every accepted request should reach its saga and finish");
        }
        catch (TimeoutException timeout)
        {
            // Say where the unfinished ones are: no saga at all (the request never reached it), or a saga in which state.
            var finished = await db.Set<ChatRoutingState>().Where(s => s.FinishedAt != null).Select(s => s.CorrelationId).ToListAsync();
            var unfinished = await db.Set<ArchivedChatRequest>().Where(a => !finished.Contains(a.RequestId)).Select(a => a.RequestId).ToListAsync();
            var states = await db.Set<ChatRoutingState>().Where(s => unfinished.Contains(s.CorrelationId))
                .Select(s => s.CorrelationId + ":" + s.CurrentState + ":" + s.ShadowOutcome + ":" + (s.ServedAt != null)).ToListAsync();
            using var admin = system.CreateAdminClient();
            var errors = await admin.GetStringAsync("/api/ops/errors");
            throw new TimeoutException($"{timeout.Message} Unfinished: {unfinished.Count}; their sagas: [{string.Join(", ", states)}]; error queues: {errors}", timeout);
        }
    }
}
