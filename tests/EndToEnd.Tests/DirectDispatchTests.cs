using System.Net;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// With the routing flag off the API sends the legacy execution itself and writes the saga's record of the request in
/// the same transaction: the caller does not wait for the saga, and the saga's first message is the run's outcome. A
/// dispatched <see cref="ChatRequested"/> is still recorded, in whichever order its messages arrive.
/// </summary>
public sealed class DirectDispatchTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task Flag_off_caller_is_answered_while_the_saga_host_is_down_and_the_saga_records_it_once_back()
    {
        using var http = system.CreateClient();
        HttpResponseMessage? response = null;
        System.Text.Json.JsonElement result = default;

        string? stateWhileDown = null;

        await system.RestartCoordinatorAsync(async () =>
        {
            (response, result) = await ChatClient.PostJsonAsync(http, new { message = $"Cos'è il GDPR? ({Guid.NewGuid():N})" });
            if (response.IsSuccessStatusCode)
                stateWhileDown = await StateOfAsync(result.GetProperty("requestId").GetGuid());
        });

        Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
        Assert.Equal(("legacy", "disabled"), (result.Text("poweredBy"), result.Text("mode")));
        Assert.Equal(ChatRoutingStates.Executing, stateWhileDown);
        var requestId = result.GetProperty("requestId").GetGuid();
        await Eventually.TrueAsync(async () => await StateOfAsync(requestId) == ChatRoutingStates.Completed,
            because: "the saga, back, records the request its worker already served");
        await using var db = system.CreateDbContext();
        var state = await db.Set<ChatRoutingState>().AsNoTracking().SingleAsync(s => s.CorrelationId == requestId);
        Assert.Equal((RoutingMode.Disabled, ChatPipeline.Legacy), (state.Mode, state.ServedPipeline));
        Assert.NotNull(state.ServedAnswer);
        Assert.Equal(state.RequestedAt + system.Coordinator.Services.GetRequiredService<IOptions<RoutingOptions>>().Value.Deadline, state.FinalDeadlineAt);
    }

    [Fact]
    public async Task A_caller_left_out_of_a_rollout_percentage_goes_through_the_saga_like_the_callers_in_it_and_a_flag_off_caller_does_not()
    {
        using var requests = new ConsumedMessages<ChatRequested>(system.Coordinator.Services.GetRequiredService<IBus>());
        using var http = system.CreateClient();
        Guid outside, everyoneOff;
        // On for no one yet: every caller is outside the percentage, and the flag's mode for each is off.
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled, rolloutPercentage: 0);
        try
        {
            outside = await AskAsync(http);
        }
        finally
        {
            await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        }

        everyoneOff = await AskAsync(http);

        await requests.WaitForAsync(r => r.RequestId == outside, "the saga gets the request outside the percentage");
        await Eventually.TrueAsync(async () => await StateOfAsync(everyoneOff) == ChatRoutingStates.Completed,
            because: "the saga records the flag-off request's answer");
        Assert.False(requests.Messages.Single(r => r.RequestId == outside).Dispatched);
        Assert.DoesNotContain(requests.Messages, r => r.RequestId == everyoneOff);
    }

    private static async Task<Guid> AskAsync(HttpClient http)
    {
        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = $"Cos'è il GDPR? ({Guid.NewGuid():N})" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("legacy", "disabled"), (result.Text("poweredBy"), result.Text("mode")));
        return result.GetProperty("requestId").GetGuid();
    }

    [Fact]
    public async Task An_answer_that_reaches_the_saga_before_its_request_is_kept_until_the_request_completes_it()
    {
        var bus = system.Api.Services.GetRequiredService<IBus>();
        var requestId = NewId.NextGuid();
        var answer = new ChatAnswer("Legacy answer [1]", [], [], Cached: false, DurationMs: 40, new ChatUsage(10, 5, 0.0001m));

        await bus.Publish(new ChatCompleted(requestId, Guid.NewGuid(), ChatPipeline.Legacy, Shadow: false, Attempt: 0, answer, TokenCount: 0));

        await Eventually.TrueAsync(async () => await StateOfAsync(requestId) == "AwaitingRequest",
            because: "the saga keeps the early answer in a row of its own");

        await bus.Publish(new ChatRequested(requestId, Guid.NewGuid(), "Cos'è il GDPR?", false, null, null, "someone", null,
            DateTime.UtcNow, Dispatched: true));

        await Eventually.TrueAsync(async () => await StateOfAsync(requestId) == ChatRoutingStates.Completed,
            because: "the request completes with the answer that came first");
    }

    [Fact]
    public async Task Requests_and_their_answers_arriving_together_are_recorded_once_each_without_an_error_logged()
    {
        var bus = system.Api.Services.GetRequiredService<IBus>();
        using var logs = new RecordedLogs();
        system.Coordinator.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var answer = new ChatAnswer("Legacy answer [1]", [], [], Cached: false, DurationMs: 40, new ChatUsage(10, 5, 0.0001m));
        var ids = Enumerable.Range(0, 24).Select(_ => NewId.NextGuid()).ToList();

        // Each request's two messages published at once: whichever the saga takes first writes the row, and the other
        // finds it there (a lost race, run again against it).
        await Task.WhenAll(ids.Select(id => Task.WhenAll(
            bus.Publish(new ChatCompleted(id, Guid.NewGuid(), ChatPipeline.Legacy, Shadow: false, Attempt: 0, answer, TokenCount: 0)),
            bus.Publish(new ChatRequested(id, Guid.NewGuid(), "Cos'è il GDPR?", false, null, null, "someone", null, DateTime.UtcNow, Dispatched: true)))));

        foreach (var id in ids)
            await Eventually.TrueAsync(async () => await StateOfAsync(id) == ChatRoutingStates.Completed, because: "each request completes with its answer");
        Assert.Empty(logs.AtOrAbove(LogLevel.Error));
    }

    [Fact]
    public async Task A_shadow_answer_for_an_unknown_request_leaves_no_row()
    {
        var bus = system.Api.Services.GetRequiredService<IBus>();
        using var completions = new ConsumedMessages<ChatCompleted>(system.Coordinator.Services.GetRequiredService<IBus>());
        var requestId = NewId.NextGuid();
        var answer = new ChatAnswer("Workflow answer [1]", [], [], Cached: false, DurationMs: 40, new ChatUsage(10, 5, 0.0001m));

        await bus.Publish(new ChatCompleted(requestId, Guid.NewGuid(), ChatPipeline.Workflow, Shadow: true, Attempt: 0, answer, TokenCount: 0));

        await completions.WaitForAsync(c => c.RequestId == requestId, "the saga consumed the stray answer");
        Assert.Null(await StateOfAsync(requestId));
    }

    private async Task<string?> StateOfAsync(Guid requestId)
    {
        await using var db = system.CreateDbContext();
        return await db.Set<ChatRoutingState>().AsNoTracking().Where(s => s.CorrelationId == requestId).Select(s => s.CurrentState).SingleOrDefaultAsync();
    }
}
