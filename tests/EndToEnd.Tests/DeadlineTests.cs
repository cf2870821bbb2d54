using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Pipeline.Persistence.Routing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Fault: no legacy worker is running. Load: one request per test. Invariant: the caller gets a clean 504
/// <c>error</c> within the configured deadline and the saga ends as Failed; nobody hangs.
/// </summary>
public sealed class DeadlineTests(DeadlineTests.ShortDeadlineSystem system) : IClassFixture<DeadlineTests.ShortDeadlineSystem>, IAsyncLifetime
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>A system with a short routing deadline.</summary>
    public sealed class ShortDeadlineSystem : PipelineSystem
    {
        protected override IDictionary<string, string?> Overrides
        {
            get
            {
                var overrides = base.Overrides;
                overrides["Routing:Deadline"] = Deadline.ToString();
                return overrides;
            }
        }
    }

    public Task InitializeAsync() => system.ReplaceLegacyWorkerAsync(extra: null);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sse_request_whose_worker_is_stopped_ends_with_an_error_event_within_the_deadline()
    {
        using var http = system.CreateClient();
        var clock = Stopwatch.StartNew();

        var (response, events) = await ChatClient.PostSseAsync(http, new { message = "Cos'è il GDPR?" });

        clock.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("routed", events[0].Event);
        var error = events[^1];
        Assert.Equal("error", error.Event);
        Assert.Equal(504, error.Data.GetProperty("status").GetInt32());
        // Generous upper bound: the deadline plus sweeper ticks and bus hops, far below the caller's own 30 s timeout.
        Assert.True(clock.Elapsed < Deadline + TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Json_request_whose_worker_is_stopped_gets_504_and_the_saga_fails()
    {
        using var http = system.CreateClient();

        var (response, problem) = await ChatClient.PostJsonAsync(http, new { message = "Articolo 28 del GDPR" });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var requestId = problem.GetProperty("requestId").GetGuid();
        await using var db = system.CreateDbContext();
        var saga = await db.Set<ChatRoutingState>().SingleAsync(s => s.CorrelationId == requestId);
        Assert.Equal("Failed", saga.CurrentState);
    }
}
