using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Coordinator.Routing;
using Xunit;

namespace Pipeline.Components.Tests.Coordinator.Routing;

/// <summary>
/// Requests whose legacy run the API dispatched itself: the API writes their record, which the saga carries on from;
/// a dispatched <see cref="ChatRequested"/> is recorded in whichever order its messages come.
/// </summary>
public sealed class RoutingSagaDispatchTests
{
    private const string AwaitingRequest = nameof(ChatRoutingStateMachine.AwaitingRequest);
    private const string Executing = nameof(ChatRoutingStateMachine.Executing);
    private const string Completed = nameof(ChatRoutingStateMachine.Completed);
    private const string Failed = nameof(ChatRoutingStateMachine.Failed);

    [Fact]
    public async Task A_dispatched_request_is_recorded_as_routed_to_legacy_and_sends_nothing_whatever_the_flag_says_now()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        // The API found the flag off; it changed before the request reached the saga, and the run is under way.
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();
        var requestedAt = saga.Clock.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(1);

        await saga.RequestAsync(id, dispatched: true, requestedAt: requestedAt);

        Assert.Empty(saga.Executions(id));
        Assert.Empty(saga.Routings(id));
        var state = saga.Instance(id);
        Assert.Equal((Executing, RoutingMode.Disabled, ChatPipeline.Legacy, null), (state.CurrentState, state.Mode, state.ServedPipeline, state.ShadowPipeline));
        Assert.Equal(requestedAt + saga.Options.Deadline, state.FinalDeadlineAt);
        Assert.Equal(state.FinalDeadlineAt, state.DeadlineAt);
    }

    [Fact]
    public async Task A_dispatched_request_completes_when_its_answer_is_recorded()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id, dispatched: true);

        saga.Clock.Advance(TimeSpan.FromMilliseconds(400));
        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        var state = saga.Instance(id);
        Assert.Equal((Completed, 400L), (state.CurrentState, state.LatencyMs));
        Assert.Empty(saga.Comparisons(id));
        Assert.Empty(saga.Executions(id));
    }

    [Fact]
    public async Task A_dispatched_request_past_its_deadline_fails_the_caller()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        await saga.RequestAsync(id, dispatched: true);

        saga.Clock.Advance(saga.Options.Deadline);
        await saga.SignalDeadlineAsync(id);

        Assert.Equal(Failed, saga.StateOf(id));
        Assert.Equal(504, Assert.Single(saga.CallerFailures(id)).Status);
        Assert.Empty(saga.Records.Fallbacks);
    }

    [Fact]
    public async Task The_record_the_API_writes_for_a_dispatched_request_is_the_one_the_saga_makes_from_its_request()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var (fromRequest, fromApi) = (saga.NewRequestId(), saga.NewRequestId());
        var requestedAt = saga.Clock.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(1);

        await saga.RequestAsync(fromRequest, dispatched: true, requestedAt: requestedAt);
        var made = saga.Instance(fromRequest);
        var written = saga.RecordDispatched(fromApi, requestedAt);
        (written.CorrelationId, written.ConversationId) = (made.CorrelationId, made.ConversationId);

        Assert.Equivalent(made, written, strict: true);
    }

    [Fact]
    public async Task A_request_the_API_recorded_completes_when_its_answer_arrives_and_is_sampled_for_evaluation()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(MigrationFlags.EvalsSampling, FlagMode.On);
        var id = saga.NewRequestId();
        saga.RecordDispatched(id);

        saga.Clock.Advance(TimeSpan.FromMilliseconds(300));
        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        var state = saga.Instance(id);
        Assert.Equal((Completed, 300L), (state.CurrentState, state.LatencyMs));
        Assert.Equal("Legacy answer [1]", Assert.Single(saga.EvalSamples(id)).Answer.Text);
        Assert.Empty(saga.Executions(id));
        Assert.Empty(saga.Routings(id));
    }

    [Fact]
    public async Task A_request_the_API_recorded_fails_the_caller_when_its_run_fails_or_its_deadline_passes()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var (failed, late) = (saga.NewRequestId(), saga.NewRequestId());
        saga.RecordDispatched(failed);
        saga.RecordDispatched(late);

        await saga.FailAsync(failed, ChatPipeline.Legacy);
        saga.Clock.Advance(saga.Options.Deadline);
        await saga.SignalDeadlineAsync(late);

        Assert.Equal((Failed, Failed), (saga.StateOf(failed), saga.StateOf(late)));
        Assert.Equal((502, 504), (Assert.Single(saga.CallerFailures(failed)).Status, Assert.Single(saga.CallerFailures(late)).Status));
        Assert.Empty(saga.Records.Fallbacks);
    }

    [Fact]
    public async Task An_answer_that_arrives_before_its_request_waits_for_it_and_then_completes_it()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(MigrationFlags.EvalsSampling, FlagMode.On);
        var id = saga.NewRequestId();
        var requestedAt = saga.Clock.GetUtcNow().UtcDateTime;

        saga.Clock.Advance(TimeSpan.FromMilliseconds(250));
        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        Assert.Equal(AwaitingRequest, (await saga.StoredAsync(id))?.CurrentState);
        Assert.Empty(saga.EvalSamples(id));

        saga.Clock.Advance(TimeSpan.FromMilliseconds(50));
        await saga.RequestAsync(id, dispatched: true, requestedAt: requestedAt);

        var state = saga.Instance(id);
        Assert.Equal((Completed, 250L), (state.CurrentState, state.LatencyMs));
        Assert.Equal((120, 40, 0.001m), (state.InputTokens, state.OutputTokens, state.CostUsd));
        Assert.Equal("What does GDPR article 17 say?", state.Message);
        Assert.Equal("Legacy answer [1]", Assert.Single(saga.EvalSamples(id)).Answer.Text);
        Assert.Null(state.DeadlineAt);
        Assert.Empty(saga.Executions(id));
        Assert.Empty(saga.CallerFailures(id));
    }

    [Fact]
    public async Task A_duplicate_answer_before_the_request_is_recorded_once()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();

        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        var servedAt = saga.Instance(id).ServedAt;
        saga.Clock.Advance(TimeSpan.FromMilliseconds(80));
        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        Assert.Equal((AwaitingRequest, servedAt), (saga.StateOf(id), saga.Instance(id).ServedAt));
    }

    [Fact]
    public async Task A_failure_that_arrives_before_its_request_fails_the_request_when_it_arrives()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();

        await saga.FailAsync(id, ChatPipeline.Legacy);

        Assert.Equal(AwaitingRequest, saga.StateOf(id));
        Assert.Empty(saga.CallerFailures(id));

        await saga.RequestAsync(id, dispatched: true);

        Assert.Equal(Failed, saga.StateOf(id));
        var failure = Assert.Single(saga.CallerFailures(id));
        Assert.Equal((502, "Legacy broke"), (failure.Status, failure.Title));
        Assert.Equal([(id, 0)], saga.Records.Abandoned);
        Assert.Single(saga.Records.Failures);
    }

    [Fact]
    public async Task A_failure_before_its_request_whose_worker_served_the_caller_after_all_waits_for_that_answer()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        saga.Records.ServedByWorker(id, attempt: 0);

        await saga.FailAsync(id, ChatPipeline.Legacy);
        await saga.RequestAsync(id, dispatched: true);

        Assert.Equal(Executing, saga.StateOf(id));
        Assert.Empty(saga.CallerFailures(id));

        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        Assert.Equal(Completed, saga.StateOf(id));
    }

    [Fact]
    public async Task An_answer_after_an_early_failure_serves_the_request_when_it_arrives()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();

        await saga.FailAsync(id, ChatPipeline.Legacy);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.FailAsync(id, ChatPipeline.Legacy);
        await saga.RequestAsync(id, dispatched: true);

        var state = saga.Instance(id);
        Assert.Equal(Completed, state.CurrentState);
        Assert.Null(state.FailureReason);
        Assert.Empty(saga.CallerFailures(id));
        Assert.Empty(saga.Records.Abandoned);
    }

    [Fact]
    public async Task A_deadline_signal_while_the_answer_waits_for_its_request_changes_nothing()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        var id = saga.NewRequestId();
        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        saga.Clock.Advance(saga.Options.Deadline);
        await saga.SignalDeadlineAsync(id);

        Assert.Equal(AwaitingRequest, saga.StateOf(id));
        Assert.Empty(saga.CallerFailures(id));
    }
}
