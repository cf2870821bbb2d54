using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Infrastructure.Comparisons;
using Pipeline.Infrastructure.Flags;
using Pipeline.Persistence.Requests;
using Pipeline.Infrastructure.Routing;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The system with deadlines long enough that an outage of a few seconds ends in answers rather than timeouts.</summary>
public sealed class OutageSystem : PipelineSystem
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Routing:Deadline"] = "00:02:00",
        ["Routing:ShadowWait"] = "00:01:00",
        ["Chat:CallerTimeout"] = "00:02:00",
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
            http.Timeout = TimeSpan.FromMinutes(3);
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
    /// Fault: the broker restarted while 500 shadow requests are in flight. Invariant: every request ends (answer or
    /// clean error), no saga is left unfinished, every accepted request reached its saga (no outbox message lost), and
    /// every finished shadow request has exactly one comparison.
    /// </summary>
    [Fact]
    public async Task A_broker_restart_with_500_requests_in_flight_ends_every_request_and_loses_no_message()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);
        using var http = system.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(4);
        var requests = Enumerable.Range(0, 500).Select(async i =>
        {
            try
            {
                using var response = await http.PostAsJsonAsync("/api/chat", new { message = $"Articolo 28 del GDPR ({i})" });
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.InternalServerError;
            }
        }).ToList();

        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await ServerControl.StopRabbitMqAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await ServerControl.StartRabbitMqAsync();
        }

        var statuses = await Task.WhenAll(requests);
        // Which clean endings, and how long the phases took: a slow or 504-heavy run shows here even when it passes.
        output.WriteLine($"every request ended after {started.Elapsed.TotalSeconds:F0} s: " +
                         string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(int)g.Key} x{g.Count()}")));
        Assert.All(statuses, s => Assert.Contains(s, CleanEndings));
        Assert.Contains(HttpStatusCode.OK, statuses);
        await AssertEveryAcceptedRequestFinishesAsync();
        output.WriteLine($"every accepted request finished after {started.Elapsed.TotalSeconds:F0} s");

        await using var db = system.CreateDbContext();
        var shadowed = await db.Set<ChatRoutingState>()
            .Where(s => s.Mode == Contracts.RoutingMode.Shadow && s.ServedAnswer != null && s.FinishedAt != null)
            .Select(s => s.CorrelationId).ToListAsync();
        Assert.NotEmpty(shadowed);
        await Eventually.TrueAsync(async () =>
        {
            var compared = await db.Set<Comparison>().Where(c => !c.NoiseSample && c.Kind == "chat" && shadowed.Contains(c.RequestId))
                .GroupBy(c => c.RequestId).Select(g => g.Count()).ToListAsync();
            Assert.All(compared, n => Assert.Equal(1, n));
            return compared.Count == shadowed.Count;
        }, TimeSpan.FromSeconds(60), "every finished shadow request should have exactly one comparison");
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
