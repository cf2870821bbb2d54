using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Fault: the coordination host (routing saga) stops while a request is in flight and starts again.
/// Load: one request whose legacy execution takes seconds. Invariant: the caller still gets the answer.
/// </summary>
public sealed class SagaRestartTests(SagaRestartTests.SlowLegacySystem system) : IClassFixture<SagaRestartTests.SlowLegacySystem>
{
    /// <summary>A system whose legacy worker takes long enough for the saga host to be restarted mid-request.</summary>
    public sealed class SlowLegacySystem : PipelineSystem
    {
        protected override IDictionary<string, string?> Overrides
        {
            get
            {
                var overrides = base.Overrides;
                overrides["Execution:InjectedLatency"] = "00:00:03";
                return overrides;
            }
        }
    }

    [Fact]
    public async Task Request_completes_when_the_saga_host_restarts_mid_request()
    {
        using var http = system.CreateClient();
        var call = ChatClient.PostJsonAsync(http, new { message = "Cos'è il GDPR?" });

        // Stopped only once the saga owns the request, so the restart really happens mid-request; it stays down
        // while the worker finishes, so the worker's answer waits in the saga's durable queue.
        await Eventually.TrueAsync(async () =>
        {
            await using var db = system.CreateDbContext();
            return await db.Set<ChatRoutingState>().AnyAsync(s => s.CurrentState == "Executing");
        });
        await system.RestartCoordinatorAsync(() => Task.Delay(TimeSpan.FromSeconds(4)));

        var (response, result) = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("legacy", result.Text("poweredBy"));
        // The worker answered the caller directly; the restarted saga still finds the answer in its durable queue.
        var requestId = result.GetProperty("requestId").GetGuid();
        await Eventually.TrueAsync(async () =>
        {
            await using var check = system.CreateDbContext();
            return (await check.Set<ChatRoutingState>().SingleAsync(s => s.CorrelationId == requestId)).CurrentState == "Completed";
        }, because: "the restarted saga completes the request");
    }
}
