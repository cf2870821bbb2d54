using Pipeline.Contracts;
using Pipeline.Persistence.Routing;
using Xunit;

namespace Pipeline.Components.Tests.Coordinator.Routing;

/// <summary>The queries that read the saga's rows without its state machine name its end states as the saga stores them.</summary>
public sealed class ChatRoutingStatesTests
{
    [Fact]
    public async Task A_served_request_is_stored_under_the_completed_state_name()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);

        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        Assert.Equal(ChatRoutingStates.Completed, saga.StateOf(id));
    }

    [Fact]
    public async Task A_request_under_way_is_stored_under_the_executing_state_name()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);

        Assert.Equal(ChatRoutingStates.Executing, saga.StateOf(id));
    }

    [Fact]
    public async Task A_failed_request_is_stored_under_the_failed_state_name()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);

        await saga.FailAsync(id, ChatPipeline.Legacy);

        Assert.Equal(ChatRoutingStates.Failed, saga.StateOf(id));
    }
}
