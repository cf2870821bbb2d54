using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Coordinator.Routing;
using Xunit;

namespace Pipeline.Components.Tests.Coordinator.Routing;

public sealed class RoutingSagaFallbackTests
{
    private const string Executing = nameof(ChatRoutingStateMachine.Executing);
    private const string Completed = nameof(ChatRoutingStateMachine.Completed);
    private const string Failed = nameof(ChatRoutingStateMachine.Failed);

    [Fact]
    public async Task A_failed_workflow_falls_back_to_legacy_and_records_the_failure()
    {
        await using var saga = await WorkflowOnAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);

        await saga.FailAsync(id, ChatPipeline.Workflow);

        Assert.Equal([(id, 0)], saga.Records.Abandoned);
        var fallback = Assert.Single(saga.Records.Fallbacks);
        Assert.Equal((id, 1, ChatPipeline.Workflow), (fallback.RequestId, fallback.FallbackAttempt, fallback.Abandoned));
        Assert.Contains("Workflow broke", fallback.Reason);
        var rerun = saga.Executions(id)[^1];
        Assert.Equal((ChatPipeline.Legacy, false, 1, true, RoutingSagaHarness.Caller), (rerun.Pipeline, rerun.Execution.Shadow, rerun.Attempt, rerun.Execution.Fallback, rerun.Caller?.Address));
        var rerouted = saga.Routings(id)[^1];
        Assert.Equal((ChatPipeline.Legacy, true, 1), (rerouted.PoweredBy, rerouted.Fallback, rerouted.Attempt));

        await saga.CompleteAsync(id, ChatPipeline.Legacy, attempt: 1);

        Assert.Equal(Completed, saga.StateOf(id));
        Assert.True(saga.Instance(id).Fallback);
    }

    [Fact]
    public async Task A_workflow_past_its_deadline_falls_back_to_legacy_with_the_request_deadline()
    {
        await using var saga = await WorkflowOnAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);
        var finalDeadline = saga.Instance(id).FinalDeadlineAt;

        saga.Clock.Advance(saga.Options.WorkflowDeadline!.Value);
        await saga.SignalDeadlineAsync(id);

        Assert.Equal("workflow missed its deadline", Assert.Single(saga.Records.Fallbacks).Reason);
        Assert.Equal((ChatPipeline.Legacy, 1), (saga.Executions(id)[^1].Pipeline, saga.Executions(id)[^1].Attempt));
        Assert.Equal(finalDeadline, saga.Instance(id).DeadlineAt);
        Assert.Equal(Executing, saga.StateOf(id));
    }

    [Fact]
    public async Task A_deadline_signal_before_the_deadline_changes_nothing()
    {
        await using var saga = await WorkflowOnAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);

        saga.Clock.Advance(saga.Options.WorkflowDeadline!.Value - TimeSpan.FromMilliseconds(1));
        await saga.SignalDeadlineAsync(id);

        Assert.Empty(saga.Records.Fallbacks);
        Assert.Single(saga.Executions(id));
    }

    [Fact]
    public async Task A_failure_that_loses_to_the_served_answer_waits_for_its_completion()
    {
        await using var saga = await WorkflowOnAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);
        saga.Records.ServedByWorker(id, attempt: 0);

        await saga.FailAsync(id, ChatPipeline.Workflow);

        Assert.Empty(saga.Records.Fallbacks);
        Assert.Single(saga.Executions(id));
        Assert.Equal(Executing, saga.StateOf(id));

        await saga.CompleteAsync(id, ChatPipeline.Workflow);

        Assert.Equal(Completed, saga.StateOf(id));
        Assert.False(saga.Instance(id).Fallback);
    }

    [Fact]
    public async Task A_failed_legacy_with_no_fallback_left_fails_the_caller_with_502()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);

        await saga.FailAsync(id, ChatPipeline.Legacy);

        var failure = Assert.Single(saga.CallerFailures(id));
        Assert.Equal((502, null), (failure.Status, failure.Pipeline));
        Assert.Equal(Failed, saga.StateOf(id));
        Assert.Empty(saga.Records.Fallbacks);
    }

    [Fact]
    public async Task A_fallback_past_the_request_deadline_fails_the_caller_with_504()
    {
        await using var saga = await WorkflowOnAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);
        await saga.FailAsync(id, ChatPipeline.Workflow);

        saga.Clock.Advance(saga.Options.Deadline);
        await saga.SignalDeadlineAsync(id);

        Assert.Equal([(id, 0), (id, 1)], saga.Records.Abandoned.Order());
        Assert.Equal(504, Assert.Single(saga.CallerFailures(id)).Status);
        Assert.Equal(Failed, saga.StateOf(id));
    }

    private static async Task<RoutingSagaHarness> WorkflowOnAsync()
    {
        var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.On);
        return saga;
    }
}
