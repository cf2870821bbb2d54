using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>A message whose consumer fails until its cause is fixed.</summary>
public sealed record PoisonProbe(Guid Id);

/// <summary>
/// A poison message is retried, lands in its error queue (listed with its count), and after the cause is fixed an
/// operator redelivers it to the queue it came from, where it is consumed once.
/// </summary>
public sealed class ErrorQueueTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    private const string Queue = "ops-poison-probe";
    private const int Retries = 2;

    [Fact]
    public async Task A_poison_message_is_retried_parked_in_the_error_queue_and_redelivered_after_the_fix()
    {
        var broken = true;
        var attempts = 0;
        var consumed = new ConcurrentBag<Guid>();
        var bus = system.Api.Services.GetRequiredService<IBus>();
        var endpoint = bus.ConnectReceiveEndpoint(Queue, e =>
        {
            e.UseMessageRetry(r => r.Immediate(Retries));
            e.Handler<PoisonProbe>(context =>
            {
                Interlocked.Increment(ref attempts);
                if (Volatile.Read(ref broken))
                    throw new InvalidOperationException("the cause is not fixed yet");
                consumed.Add(context.Message.Id);
                return Task.CompletedTask;
            });
        });
        await endpoint.Ready;

        var probe = new PoisonProbe(Guid.NewGuid());
        await (await bus.GetSendEndpoint(new Uri($"queue:{Queue}"))).Send(probe);

        using var admin = system.CreateAdminClient();
        await Eventually.TrueAsync(async () => await ErrorCountAsync(admin) == 1, TimeSpan.FromSeconds(30), "the probe should be parked in its error queue");
        Assert.Equal(1 + Retries, Volatile.Read(ref attempts));
        Assert.Empty(consumed);

        Volatile.Write(ref broken, false);
        var response = await admin.PostAsync($"/api/ops/errors/{Queue}_error/redeliver", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var redelivered = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, redelivered.GetProperty("messages").GetInt32());
        Assert.Equal(Queue, redelivered.Text("sourceQueue"));

        await Eventually.TrueAsync(() => Task.FromResult(consumed.Count == 1), TimeSpan.FromSeconds(10), "the redelivered probe should be consumed");
        Assert.Equal(probe.Id, Assert.Single(consumed));
        await Eventually.TrueAsync(async () => await ErrorCountAsync(admin) == 0, TimeSpan.FromSeconds(30), "the error queue should be empty");
        await endpoint.ReceiveEndpoint.Stop();
    }

    [Fact]
    public async Task Redelivering_from_a_queue_that_is_not_an_error_queue_or_does_not_exist_is_refused()
    {
        using var admin = system.CreateAdminClient();
        var notError = await admin.PostAsync("/api/ops/errors/legacy-worker/redeliver", null);
        Assert.Equal(HttpStatusCode.BadRequest, notError.StatusCode);
        var missing = await admin.PostAsync("/api/ops/errors/no-such-queue_error/redeliver", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var anonymous = system.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/ops/errors")).StatusCode);
    }

    /// <summary>The management API's count, which trails the queue by its statistics interval.</summary>
    private static async Task<long> ErrorCountAsync(HttpClient admin)
    {
        var queues = await admin.GetFromJsonAsync<JsonElement[]>("/api/ops/errors");
        return queues!.Where(q => q.Text("name") == $"{Queue}_error").Select(q => q.GetProperty("messages").GetInt64()).FirstOrDefault(-1);
    }
}
