using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Coordinator.Routing;
using Xunit;

namespace Pipeline.Components.Tests.Coordinator.Routing;

public sealed class RoutingSagaServeTests
{
    private const string Executing = nameof(ChatRoutingStateMachine.Executing);
    private const string Completed = nameof(ChatRoutingStateMachine.Completed);

    [Fact]
    public async Task Flag_off_request_is_served_by_legacy_and_completes_when_its_answer_is_recorded()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);

        var execution = Assert.Single(saga.Executions(id));
        Assert.Equal((ChatPipeline.Legacy, false, 0, RoutingSagaHarness.Caller), (execution.Pipeline, execution.Execution.Shadow, execution.Attempt, execution.Caller?.Address));
        Assert.Equal(saga.Options.LegacyEndpoint, Assert.Single(saga.Destinations<ExecuteChat>(id))!.Segments[^1]);
        var routed = Assert.Single(saga.Routings(id));
        Assert.Equal((ChatPipeline.Legacy, RoutingMode.Disabled, false), (routed.PoweredBy, routed.Mode, routed.Fallback));
        Assert.Equal(Executing, saga.StateOf(id));

        saga.Clock.Advance(TimeSpan.FromMilliseconds(700));
        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        var state = saga.Instance(id);
        Assert.Equal(Completed, state.CurrentState);
        Assert.Equal(700, state.LatencyMs);
        Assert.Equal((120, 40, 0.001m), (state.InputTokens, state.OutputTokens, state.CostUsd));
        Assert.Null(state.DeadlineAt);
        Assert.Empty(saga.Comparisons(id));
    }

    [Fact]
    public async Task Flag_on_request_is_served_by_the_workflow_under_a_deadline_of_its_own()
    {
        await using var saga = await RoutingSagaHarness.StartAsync(o => o.WorkflowDeadline = TimeSpan.FromSeconds(3));
        saga.Flags.Set(saga.Options.FlagName, FlagMode.On);
        var id = saga.NewRequestId();
        var start = saga.Clock.GetUtcNow().UtcDateTime;

        await saga.RequestAsync(id);

        var execution = Assert.Single(saga.Executions(id));
        Assert.Equal((ChatPipeline.Workflow, false, RoutingMode.Enabled), (execution.Pipeline, execution.Execution.Shadow, execution.Execution.Mode));
        Assert.Equal(saga.Options.WorkflowEndpoint, Assert.Single(saga.Destinations<ExecuteChat>(id))!.Segments[^1]);
        Assert.Equal(start + saga.Options.Deadline, execution.Execution.Deadline);
        Assert.Equal(start + TimeSpan.FromSeconds(3), saga.Instance(id).DeadlineAt);
        Assert.Equal(ChatPipeline.Workflow, Assert.Single(saga.Routings(id)).PoweredBy);

        await saga.CompleteAsync(id, ChatPipeline.Workflow);

        Assert.Equal(Completed, saga.StateOf(id));
        Assert.False(saga.Instance(id).Fallback);
        Assert.Empty(saga.Records.Fallbacks);
    }

    [Fact]
    public async Task A_duplicate_request_starts_nothing_twice()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);
        await saga.RequestAsync(id);

        Assert.Equal(2, saga.Executions(id).Count);
        Assert.Single(saga.Routings(id));
        Assert.Equal(Executing, saga.StateOf(id));
    }

    [Fact]
    public async Task Served_answers_are_sampled_for_evaluation_by_the_sampling_flag()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var sampled = saga.NewRequestId();
        var unsampled = saga.NewRequestId();

        await saga.RequestAsync(unsampled);
        await saga.CompleteAsync(unsampled, ChatPipeline.Legacy);
        saga.Flags.Set(MigrationFlags.EvalsSampling, FlagMode.On);
        await saga.RequestAsync(sampled);
        await saga.CompleteAsync(sampled, ChatPipeline.Legacy);

        Assert.Empty(saga.EvalSamples(unsampled));
        var sample = Assert.Single(saga.EvalSamples(sampled));
        Assert.Equal((ChatPipeline.Legacy, "Legacy answer [1]"), (sample.Pipeline, sample.Answer.Text));
    }

    [Fact]
    public async Task A_replay_runs_both_pipelines_tells_no_caller_and_is_never_sampled()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.On);
        saga.Flags.Set(MigrationFlags.EvalsSampling, FlagMode.On);
        var id = saga.NewRequestId();
        var replay = Guid.NewGuid();

        await saga.RequestAsync(id, replay);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true);

        Assert.Equal([(ChatPipeline.Legacy, false), (ChatPipeline.Workflow, true)], saga.Executions(id).Select(e => (e.Pipeline, e.Execution.Shadow)));
        Assert.All(saga.Executions(id), e => Assert.Null(e.Caller));
        Assert.Empty(saga.Routings(id));
        Assert.Empty(saga.EvalSamples(id));
        Assert.Equal(replay, Assert.Single(saga.Comparisons(id)).ReplayId);
        Assert.Equal(Completed, saga.StateOf(id));
    }
}
