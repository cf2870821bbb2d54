using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Coordinator.Routing;
using Xunit;

namespace Pipeline.Components.Tests.Coordinator.Routing;

public sealed class RoutingSagaLateMessageTests
{
    private const string Completed = nameof(ChatRoutingStateMachine.Completed);
    private const string Failed = nameof(ChatRoutingStateMachine.Failed);

    [Fact]
    public async Task A_late_workflow_answer_after_a_fallback_is_neither_served_nor_recorded()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.On);
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);
        await saga.FailAsync(id, ChatPipeline.Workflow);

        await saga.CompleteAsync(id, ChatPipeline.Workflow, attempt: 0);

        Assert.Null(saga.Instance(id).ServedAt);
        Assert.NotEqual(Completed, saga.StateOf(id));

        await saga.CompleteAsync(id, ChatPipeline.Legacy, attempt: 1);

        Assert.Equal(Completed, saga.StateOf(id));
    }

    [Fact]
    public async Task Late_and_duplicate_messages_after_completion_change_nothing()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true);
        var finishedAt = saga.Instance(id).FinishedAt;

        saga.Clock.Advance(saga.Options.Deadline);
        await saga.RequestAsync(id);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true);
        await saga.FailAsync(id, ChatPipeline.Legacy);
        await saga.SignalDeadlineAsync(id);

        Assert.Equal(Completed, saga.StateOf(id));
        Assert.Equal(finishedAt, saga.Instance(id).FinishedAt);
        Assert.Equal(2, saga.Executions(id).Count);
        Assert.Single(saga.Routings(id));
        Assert.Single(saga.Comparisons(id));
        Assert.Empty(saga.CallerFailures(id));
    }

    [Fact]
    public async Task A_late_answer_after_the_request_failed_changes_nothing()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);
        saga.Clock.Advance(saga.Options.Deadline);
        await saga.SignalDeadlineAsync(id);
        Assert.Equal(504, Assert.Single(saga.CallerFailures(id)).Status);

        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.SignalDeadlineAsync(id);

        Assert.Equal(Failed, saga.StateOf(id));
        Assert.Null(saga.Instance(id).ServedAt);
        Assert.Single(saga.CallerFailures(id));
    }

    [Fact]
    public async Task Messages_for_an_unknown_request_that_no_dispatched_run_sends_are_discarded()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();

        await saga.CompleteAsync(id, ChatPipeline.Legacy, shadow: true);
        await saga.CompleteAsync(id, ChatPipeline.Legacy, attempt: 1);
        await saga.CompleteAsync(id, ChatPipeline.Workflow);
        await saga.FailAsync(id, ChatPipeline.Workflow);
        await saga.FailAsync(id, ChatPipeline.Legacy, shadow: true);
        await saga.SignalDeadlineAsync(id);

        Assert.Null(await saga.StoredAsync(id));
        Assert.Empty(saga.Executions(id));
    }
}
