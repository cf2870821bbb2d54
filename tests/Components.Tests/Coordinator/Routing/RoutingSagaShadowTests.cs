using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Coordinator.Routing;
using Xunit;

namespace Pipeline.Components.Tests.Coordinator.Routing;

public sealed class RoutingSagaShadowTests
{
    private const string AwaitingShadow = nameof(ChatRoutingStateMachine.AwaitingShadow);
    private const string Completed = nameof(ChatRoutingStateMachine.Completed);

    [Fact]
    public async Task Shadow_request_serves_legacy_and_records_one_comparison()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);

        var executions = saga.Executions(id);
        Assert.Equal([(ChatPipeline.Legacy, false), (ChatPipeline.Workflow, true)], executions.Select(e => (e.Pipeline, e.Execution.Shadow)));
        Assert.Equal(new StreamTarget(RoutingSagaHarness.Caller, StreamTokens: true), executions[0].Caller);
        Assert.Null(executions[1].Caller);
        var routed = Assert.Single(saga.Routings(id));
        Assert.Equal((ChatPipeline.Legacy, RoutingMode.Shadow), (routed.PoweredBy, routed.Mode));

        await saga.CompleteAsync(id, ChatPipeline.Legacy, durationMs: 120);
        Assert.Equal(AwaitingShadow, saga.StateOf(id));
        Assert.Empty(saga.Comparisons(id));

        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true, durationMs: 340);

        Assert.Equal(Completed, saga.StateOf(id));
        var pair = Assert.Single(saga.Comparisons(id));
        Assert.Equal((saga.Options.FlagName, false, 120L, 340L), (pair.FlagName, pair.NoiseSample, pair.OldDurationMs, pair.NewDurationMs));
        Assert.Equal((ComparisonKind.Chat, ComparedOutcome.Completed), (pair.Kind, pair.NewOutcome));
        Assert.Contains("Workflow answer", pair.NewResult);
        Assert.Contains("Legacy answer", pair.OldResult);
        Assert.Equal(saga.Options.ComparatorEndpoint, Assert.Single(saga.Destinations<CompareResults>(id))!.Segments[^1]);
    }

    [Fact]
    public async Task A_shadow_answer_before_the_served_one_waits_for_it()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);
        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true);
        Assert.Empty(saga.Comparisons(id));

        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        Assert.Equal(Completed, saga.StateOf(id));
        Assert.Single(saga.Comparisons(id));
    }

    [Fact]
    public async Task A_failed_shadow_is_compared_as_failed_without_an_answer()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.FailAsync(id, ChatPipeline.Workflow, shadow: true);

        var pair = Assert.Single(saga.Comparisons(id));
        Assert.Equal((ComparedOutcome.Failed, null, null), (pair.NewOutcome, pair.NewResult, pair.NewDurationMs));
        Assert.Empty(saga.CallerFailures(id));
        Assert.Equal(Completed, saga.StateOf(id));
    }

    [Fact]
    public async Task A_shadow_that_never_answers_is_compared_as_missing_once_its_wait_is_over()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();
        await saga.RequestAsync(id);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);

        saga.Clock.Advance(saga.Options.ShadowWait - TimeSpan.FromMilliseconds(1));
        await saga.SignalDeadlineAsync(id);
        Assert.Equal(AwaitingShadow, saga.StateOf(id));

        saga.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await saga.SignalDeadlineAsync(id);

        Assert.Equal(Completed, saga.StateOf(id));
        Assert.Equal(ComparedOutcome.Missing, Assert.Single(saga.Comparisons(id)).NewOutcome);
    }

    [Fact]
    public async Task A_noise_sample_runs_legacy_twice_and_compares_it_with_itself()
    {
        await using var saga = await RoutingSagaHarness.StartAsync(o => o.NoiseSampleRate = 1);
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);

        Assert.Equal([(ChatPipeline.Legacy, false, 0), (ChatPipeline.Workflow, true, 0), (ChatPipeline.Legacy, true, 1)],
            saga.Executions(id).Select(e => (e.Pipeline, e.Execution.Shadow, e.Execution.Sample)));

        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true);
        Assert.Equal(AwaitingShadow, saga.StateOf(id));
        await saga.CompleteAsync(id, ChatPipeline.Legacy, shadow: true, sample: 1);

        Assert.Equal(Completed, saga.StateOf(id));
        Assert.Equal([false, true], saga.Comparisons(id).Select(c => c.NoiseSample));
        Assert.All(saga.Comparisons(id), c => Assert.Equal(ComparedOutcome.Completed, c.NewOutcome));
    }

    [Fact]
    public async Task A_duplicate_shadow_answer_records_one_comparison()
    {
        await using var saga = await RoutingSagaHarness.StartAsync();
        saga.Flags.Set(saga.Options.FlagName, FlagMode.Shadow);
        var id = saga.NewRequestId();

        await saga.RequestAsync(id);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.CompleteAsync(id, ChatPipeline.Legacy);
        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true);
        await saga.CompleteAsync(id, ChatPipeline.Workflow, shadow: true);

        Assert.Single(saga.Comparisons(id));
        Assert.Equal(Completed, saga.StateOf(id));
    }
}
