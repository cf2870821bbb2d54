using System.Diagnostics;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Platform.Serialization;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Persistence.Comparisons;

namespace Pipeline.Workers.Workflow.Steps;

/// <summary>
/// Runs one workflow step under its own flag, as the strangler fig wants it: off → the legacy implementation,
/// on → the new one, shadow → both, the legacy result is used and the pair is handed to the comparator.
/// Every step is a span tagged with its flag decision.
/// </summary>
public sealed class StepRunner(IFlagEvaluator flags, TimeProvider time)
{
    public Task<T> RunAsync<T>(
        ComparisonKind step,
        string flagName,
        ExecuteChat command,
        Func<CancellationToken, Task<T>> legacy,
        Func<CancellationToken, Task<T>> modern,
        Func<CompareResults, Task> compare,
        CancellationToken cancellationToken) =>
        RunAsync(step, flagName, command, (_, ct) => legacy(ct), (_, ct) => modern(ct), compare, cancellationToken);

    /// <summary>
    /// As above, for steps whose implementations must know whether their result is served: in shadow only the legacy
    /// side is <see cref="StepRole.Served"/>, so the new one can keep what it would show the caller to itself.
    /// </summary>
    public async Task<T> RunAsync<T>(
        ComparisonKind step,
        string flagName,
        ExecuteChat command,
        Func<StepRole, CancellationToken, Task<T>> legacy,
        Func<StepRole, CancellationToken, Task<T>> modern,
        Func<CompareResults, Task> compare,
        CancellationToken cancellationToken)
    {
        var decision = Decide(flagName, command);
        var stepName = ComparisonNames.Of(step);
        using var activity = PipelineTelemetry.Source.StartActivity($"workflow.{stepName}");
        activity?.SetTag("pipeline.step", stepName);
        activity?.SetTag("pipeline.flag", flagName);
        activity?.SetTag("pipeline.flag.mode", decision.Mode.ToString().ToLowerInvariant());

        switch (decision.Mode)
        {
            case FlagMode.On:
                return await modern(StepRole.Served, cancellationToken);
            case FlagMode.Shadow:
                // One after the other: both implementations share the execution's unit of work (one DbContext),
                // which allows a single operation at a time; the legacy result is served either way.
                var old = await Timed(ct => legacy(StepRole.Served, ct), cancellationToken);
                try
                {
                    var fresh = await Timed(ct => modern(StepRole.Shadow, ct), cancellationToken);
                    await compare(new CompareResults(command.RequestId, flagName, step, Serialize(old.Value), Serialize(fresh.Value), ComparedOutcome.Completed,
                        old.Milliseconds, fresh.Milliseconds, false, command.Execution.ReplayId));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The new step failing in shadow must never hurt the served answer; it is recorded, not thrown.
                    activity?.AddException(ex);
                    await compare(new CompareResults(command.RequestId, flagName, step, Serialize(old.Value), null, ComparedOutcome.Failed,
                        old.Milliseconds, null, false, command.Execution.ReplayId));
                }

                return old.Value;
            default:
                return await legacy(StepRole.Served, cancellationToken);
        }
    }

    /// <summary>
    /// The step flags on for the command, as RunAsync decides each step: every step flag, whether or not its step is
    /// reached (a cache hit ends the graph early), so a step flag's rollout splits requests by assignment, not by which
    /// steps happened to run. Decided from the same flag snapshot and buckets as the steps, so the two agree unless a
    /// flag changes during the run.
    /// </summary>
    public IReadOnlyList<string> StepsOn(ExecuteChat command) =>
        MigrationFlags.WorkflowSteps.Where(flag => Decide(flag, command).Mode == FlagMode.On).ToList();

    private FlagDecision Decide(string flagName, ExecuteChat command) =>
        // An experiment names the steps it runs new; live traffic follows the flags.
        command.Execution.WorkflowSteps is { } steps
            ? new FlagDecision(steps.Contains(flagName) ? FlagMode.On : FlagMode.Off, 0, DecisionReason.Experiment)
            : flags.Evaluate(flagName, new FlagContext(command.Question.BucketingKey, command.Question.UserId, command.Question.UserGroup));

    private async Task<(T Value, long Milliseconds)> Timed<T>(Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var value = await step(cancellationToken);
        return (value, (long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, PipelineJson.Options);
}
