using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Flags;
using Pipeline.Rollouts;
using Pipeline.Platform.Serialization;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Persistence.Routing;
using Pipeline.Persistence.Evals;
using Pipeline.Platform.Routing;

namespace Pipeline.Coordinator.Routing;

/// <summary>
/// Owns each chat request to its end: routes it by the routing flag to the legacy or
/// the workflow workers (both in shadow mode, the old one served), records the one answer its worker served to the
/// caller, falls back to legacy when the workflow fails, hands shadow pairs to the comparator, and fails the request
/// cleanly when its deadline passes. A flag-off request the API dispatched itself starts here already executing: the API
/// wrote its row (<see cref="ChatRoutingState.Dispatched"/>). A dispatched <see cref="ChatRequested"/> (from an API of the
/// release before, during a rolling deploy) is only recorded; its worker's answer may then arrive first, and waits for it.
/// </summary>
internal sealed class ChatRoutingStateMachine : MassTransitStateMachine<ChatRoutingState>
{
    private const int NoiseSample = 1;

    private readonly IFlagEvaluator _flags;
    private readonly LegacyLatencyBaseline _baseline;
    private readonly RoutingOptions _options;
    private readonly TimeProvider _time;
    private readonly RolloutEvalSampling _rolloutSampling;

    public ChatRoutingStateMachine(
        IFlagEvaluator flags, LegacyLatencyBaseline baseline, IOptions<RoutingOptions> options, TimeProvider time, RolloutEvalSampling rolloutSampling)
    {
        _rolloutSampling = rolloutSampling;
        _flags = flags;
        _baseline = baseline;
        _options = options.Value;
        _time = time;

        InstanceState(s => s.CurrentState);

        Event(() => Requested, e =>
        {
            e.CorrelateById(m => m.Message.RequestId);
            e.InsertOnInitial = true;
            e.SetSagaFactory(m => new ChatRoutingState { CorrelationId = m.Message.RequestId });
        });
        // A dispatched request's served run can finish before the saga has its request: its outcome starts the instance.
        Event(() => ExecutionCompleted, e =>
        {
            e.CorrelateById(m => m.Message.RequestId);
            e.SetSagaFactory(m => new ChatRoutingState { CorrelationId = m.Message.RequestId });
        });
        Event(() => ExecutionFailed, e =>
        {
            e.CorrelateById(m => m.Message.RequestId);
            e.SetSagaFactory(m => new ChatRoutingState { CorrelationId = m.Message.RequestId });
        });
        Event(() => DeadlinePassed, e =>
        {
            e.CorrelateById(m => m.Message.RequestId);
            e.OnMissingInstance(m => m.Discard());
        });

        // Only a dispatched request's served run can report before its request; anything else without an instance is
        // a stray and leaves no row.
        SetCompletedWhenFinalized();
        Initially(
            When(Requested)
                .ThenAsync(StartAsync)
                .TransitionTo(Executing),
            When(ExecutionCompleted, IsDispatchedRun)
                .Then(c => RecordServed(c.Saga, c.Message))
                .TransitionTo(AwaitingRequest),
            When(ExecutionFailed, IsDispatchedRun)
                .Then(c => c.Saga.FailureReason = c.Message.Title)
                .TransitionTo(AwaitingRequest),
            When(ExecutionCompleted, c => !IsDispatchedRun(c))
                .Finalize(),
            When(ExecutionFailed, c => !IsDispatchedRun(c))
                .Finalize());

        During(AwaitingRequest,
            When(Requested, c => c.Saga.ServedAt is not null)
                .ThenAsync(StartAsync)
                .ThenAsync(c => CompleteServingAsync(c, JsonSerializer.Deserialize<ChatAnswer>(c.Saga.ServedAnswer!, PipelineJson.Options)!))
                .ThenAsync(FinishAsync)
                .TransitionTo(Completed),
            // The run reported a failure: the request fails as a served run's failure would, unless its worker served
            // the caller after all (the serving claim decides), and then that run's ChatCompleted settles it.
            When(Requested, c => c.Saga.ServedAt is null)
                .ThenAsync(StartAsync)
                .TransitionTo(Executing)
                .IfAsync(AbandonServedAttemptAsync, abandoned => abandoned
                    .ThenAsync(c => FailCallerAsync(c, StatusCodes.BadGateway, c.Saga.FailureReason!))
                    .TransitionTo(Failed)),
            // A completion after a reported failure: the worker served the caller, which is what counts.
            When(ExecutionCompleted, c => IsDispatchedRun(c) && c.Saga.ServedAt is null)
                .Then(c => c.Saga.FailureReason = null)
                .Then(c => RecordServed(c.Saga, c.Message)),
            Ignore(ExecutionFailed),
            Ignore(DeadlinePassed));

        During(Executing,
            Ignore(Requested),
            When(ExecutionCompleted, c => c.Message.Shadow)
                .Then(RecordShadowAnswer)
                .If(IsSettled, finish => finish.ThenAsync(FinishAsync).TransitionTo(Completed)),
            When(ExecutionCompleted, c => !c.Message.Shadow && c.Message.Attempt == c.Saga.Attempt)
                .ThenAsync(ServeAsync)
                .IfElse(IsSettled,
                    finish => finish.ThenAsync(FinishAsync).TransitionTo(Completed),
                    wait => wait.Then(AwaitShadow).TransitionTo(AwaitingShadow)),
            When(ExecutionFailed, c => c.Message.Shadow)
                .Then(RecordShadowFailure)
                .If(IsSettled, finish => finish.ThenAsync(FinishAsync).TransitionTo(Completed)),
            // Giving up on the served attempt races with its worker serving the caller; the serving claim decides.
            // Lost, the answer is already on its way and its ChatCompleted will settle the request.
            When(ExecutionFailed, c => !c.Message.Shadow && c.Message.Attempt == c.Saga.Attempt)
                .Then(c => RecordWorkflowSteps(c.Saga, c.Message.Pipeline, c.Message.WorkflowSteps))
                .IfAsync(AbandonServedAttemptAsync, abandoned => abandoned
                    .IfElse(CanFallBack,
                        fallback => fallback.ThenAsync(c => FallBackAsync(c, $"workflow failed: {c.Message.Title}")),
                        fail => fail.ThenAsync(c => FailCallerAsync(c, StatusCodes.BadGateway, c.Message.Title)).TransitionTo(Failed))),
            When(DeadlinePassed, IsOverdue)
                .IfAsync(AbandonServedAttemptAsync, abandoned => abandoned
                    .IfElse(CanFallBack,
                        fallback => fallback.ThenAsync(c => FallBackAsync(c, "workflow missed its deadline")),
                        fail => fail.ThenAsync(c => FailCallerAsync(c, StatusCodes.GatewayTimeout, "The answer did not arrive before the deadline."))
                            .TransitionTo(Failed))));

        During(AwaitingShadow,
            Ignore(Requested),
            When(ExecutionCompleted, c => c.Message.Shadow)
                .Then(RecordShadowAnswer)
                .If(IsSettled, finish => finish.ThenAsync(FinishAsync).TransitionTo(Completed)),
            When(ExecutionFailed, c => c.Message.Shadow)
                .Then(RecordShadowFailure)
                .If(IsSettled, finish => finish.ThenAsync(FinishAsync).TransitionTo(Completed)),
            When(DeadlinePassed, IsOverdue)
                .Then(RecordMissingShadows)
                .ThenAsync(FinishAsync)
                .TransitionTo(Completed));

        // Late or duplicate messages after the end change nothing.
        During(Completed, Failed,
            Ignore(Requested),
            Ignore(ExecutionCompleted),
            Ignore(ExecutionFailed),
            Ignore(DeadlinePassed));
    }

    public State AwaitingRequest { get; private set; } = null!;
    public State Executing { get; private set; } = null!;
    public State AwaitingShadow { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    public Event<ChatRequested> Requested { get; private set; } = null!;
    public Event<ChatCompleted> ExecutionCompleted { get; private set; } = null!;
    public Event<ChatFailed> ExecutionFailed { get; private set; } = null!;
    public Event<ChatDeadlinePassed> DeadlinePassed { get; private set; } = null!;

    /// <summary>Records the request and its route; sends its executions unless the API dispatched the served one itself.</summary>
    private async Task StartAsync(BehaviorContext<ChatRoutingState, ChatRequested> context)
    {
        var saga = context.Saga;
        var request = context.Message;
        saga.ConversationId = request.ConversationId;
        saga.Message = request.Message;
        saga.WebSearchEnabled = request.WebSearchEnabled;
        saga.UserId = request.UserId;
        saga.UserGroup = request.UserGroup;
        saga.BucketingKey = request.BucketingKey;
        saga.CallerAddress = request.CallerAddress?.ToString();
        saga.StreamTokens = request.StreamTokens;
        saga.ReplayId = request.ReplayId;
        saga.RequestedAt = request.RequestedAt;
        // A dispatched execution carries the deadline the API gave it, from the request's time.
        saga.FinalDeadlineAt = (request.Dispatched ? request.RequestedAt : Now) + _options.Deadline;

        // The API decided a dispatched request's route; the flag may have changed since, and the run is under way.
        var flag = request.Dispatched ? FlagMode.Off
            : request.ReplayId is null ? _flags.Evaluate(_options.FlagName, new FlagContext(request.BucketingKey, request.UserId, request.UserGroup)).Mode
            : FlagMode.Off;
        var route = RoutingDecision.Decide(flag, saga.CorrelationId, replay: request.ReplayId is not null, _options.NoiseSampleRate);
        (saga.Mode, saga.ServedPipeline, saga.ShadowPipeline) = (route.Mode, route.Served, route.Shadow);
        Activity.Current?.SetTag(PipelineTelemetry.RequestIdTag, saga.CorrelationId)
            .SetTag(PipelineTelemetry.RoutingFlagTag, _options.FlagName)
            .SetTag(PipelineTelemetry.RoutingModeTag, saga.Mode.ToString().ToLowerInvariant())
            .SetTag(PipelineTelemetry.PipelineTag, saga.ServedPipeline.ToString().ToLowerInvariant())
            .SetTag(PipelineTelemetry.ReplayIdTag, saga.ReplayId);
        // In on mode the workflow gets a deadline of its own, so a slow workflow still leaves time for the legacy fallback.
        saga.DeadlineAt = saga.Mode == RoutingMode.Enabled ? Min(Now + _baseline.WorkflowDeadline(), saga.FinalDeadlineAt.Value) : saga.FinalDeadlineAt;
        saga.ShadowOutcome = saga.ShadowPipeline is null ? ShadowOutcome.None : ShadowOutcome.Pending;
        saga.NoiseOutcome = route.NoiseSample ? ShadowOutcome.Pending : ShadowOutcome.None;
        if (request.Dispatched)
            return;

        // The outbox sends in this order and waits for each confirmation: the served command and the caller's routing
        // first, so the runs nobody waits for never delay the served one.
        await ExecuteAsync(context, saga.ServedPipeline, shadow: false);
        await TellCallerAsync(context, Routed(saga, fallback: false, reason: null));
        if (saga.ShadowPipeline is { } shadowPipeline)
            await ExecuteAsync(context, shadowPipeline, shadow: true, workflowSteps: request.WorkflowSteps);
        if (saga.NoiseOutcome == ShadowOutcome.Pending)
            await ExecuteAsync(context, saga.ServedPipeline, shadow: true, NoiseSample);
    }

    /// <summary>Records the served answer; its worker already sent it to the caller (see <see cref="Answering.Serving.ServingClaims"/>).</summary>
    private Task ServeAsync(BehaviorContext<ChatRoutingState, ChatCompleted> context)
    {
        RecordServed(context.Saga, context.Message);
        return CompleteServingAsync(context, context.Message.Answer);
    }

    /// <summary>What the served run reported; the rest needs the request (see <see cref="CompleteServingAsync"/>).</summary>
    private void RecordServed(ChatRoutingState saga, ChatCompleted completed)
    {
        RecordWorkflowSteps(saga, completed.Pipeline, completed.WorkflowSteps);
        saga.ServedAt = Now;
        saga.ServedAnswer = JsonSerializer.Serialize(completed.Answer, PipelineJson.Options);
        var usage = completed.Answer.Usage;
        saga.Cached = completed.Answer.Cached;
        (saga.InputTokens, saga.OutputTokens, saga.CostUsd) = (usage.InputTokens, usage.OutputTokens, usage.CostUsd);
    }

    /// <summary>The served answer's latency from the request, and its evaluation sample.</summary>
    private async Task CompleteServingAsync(BehaviorContext<ChatRoutingState> context, ChatAnswer answer)
    {
        var saga = context.Saga;
        saga.LatencyMs = (long)(saga.ServedAt!.Value - saga.RequestedAt).TotalMilliseconds;
        if (IsSampledForEvaluation(saga))
        {
            await context.Publish(new ResultSampled(saga.CorrelationId, saga.Message, saga.ServedPipeline, answer, EvalReasons.Sampled),
                context.CancellationToken);
        }
    }

    /// <summary>
    /// Whether the run could be one the API dispatched (legacy, served, first attempt, no replay): the only run whose
    /// outcome may arrive before its request.
    /// </summary>
    private static bool IsDispatchedRun(BehaviorContext<ChatRoutingState, ChatCompleted> context) =>
        IsDispatchedRun(context.Message.Pipeline, context.Message.Shadow, context.Message.Attempt, context.Message.ReplayId);

    private static bool IsDispatchedRun(BehaviorContext<ChatRoutingState, ChatFailed> context) =>
        IsDispatchedRun(context.Message.Pipeline, context.Message.Shadow, context.Message.Attempt, context.Message.ReplayId);

    private static bool IsDispatchedRun(ChatPipeline? pipeline, bool shadow, int attempt, Guid? replayId) =>
        pipeline == ChatPipeline.Legacy && !shadow && attempt == 0 && replayId is null;

    /// <summary>
    /// Served answers go to evaluation by the sampling flag, bucketed by request so its percentage is a share of requests.
    /// A replay's served answer never reached a caller and its original was already eligible, so it is not sampled again.
    /// An improvement rollout at a percentage adds the answers its eval-score gate needs (<see cref="RolloutEvalSampling"/>).
    /// </summary>
    private bool IsSampledForEvaluation(ChatRoutingState saga) =>
        saga.ReplayId is null
        && (_rolloutSampling.Includes(saga.CorrelationId, saga.ServedPipeline)
            || _flags.Evaluate(MigrationFlags.EvalsSampling, new FlagContext(saga.CorrelationId.ToString("N"), saga.UserId, saga.UserGroup)).Mode == FlagMode.On);

    private static void RecordShadowAnswer(BehaviorContext<ChatRoutingState, ChatCompleted> context)
    {
        var answer = JsonSerializer.Serialize(context.Message.Answer, PipelineJson.Options);
        if (context.Message.Sample == NoiseSample)
            (context.Saga.NoiseOutcome, context.Saga.NoiseAnswer) = (ShadowOutcome.Completed, answer);
        else
            (context.Saga.ShadowOutcome, context.Saga.ShadowAnswer) = (ShadowOutcome.Completed, answer);
        RecordWorkflowSteps(context.Saga, context.Message.Pipeline, context.Message.WorkflowSteps);
    }

    private static void RecordShadowFailure(BehaviorContext<ChatRoutingState, ChatFailed> context)
    {
        if (context.Message.Sample == NoiseSample)
            context.Saga.NoiseOutcome = ShadowOutcome.Failed;
        else
            context.Saga.ShadowOutcome = ShadowOutcome.Failed;
        RecordWorkflowSteps(context.Saga, context.Message.Pipeline, context.Message.WorkflowSteps);
    }

    /// <summary>Keeps the step flags the workflow's run reported (a legacy run, or the noise sample's, reports none).</summary>
    private static void RecordWorkflowSteps(ChatRoutingState saga, ChatPipeline? pipeline, IReadOnlyList<string>? steps)
    {
        if (pipeline == ChatPipeline.Workflow && steps is not null)
            saga.WorkflowSteps = steps.ToList();
    }

    private static void RecordMissingShadows(BehaviorContext<ChatRoutingState> context)
    {
        if (context.Saga.ShadowOutcome == ShadowOutcome.Pending)
            context.Saga.ShadowOutcome = ShadowOutcome.Missing;
        if (context.Saga.NoiseOutcome == ShadowOutcome.Pending)
            context.Saga.NoiseOutcome = ShadowOutcome.Missing;
    }

    /// <summary>Served, and no shadow run is still outstanding.</summary>
    private static bool IsSettled(BehaviorContext<ChatRoutingState> context) =>
        context.Saga.ServedAt is not null
        && context.Saga.ShadowOutcome != ShadowOutcome.Pending
        && context.Saga.NoiseOutcome != ShadowOutcome.Pending;

    private async Task FallBackAsync(BehaviorContext<ChatRoutingState> context, string reason)
    {
        var saga = context.Saga;
        saga.Attempt++;
        saga.Fallback = true;
        saga.ServedPipeline = ChatPipeline.Legacy;
        saga.FailureReason = reason;
        saga.DeadlineAt = saga.FinalDeadlineAt;
        saga.DeadlineSignalledAt = null;
        // The fallback lands in the routing flag's audit trail, in the saga's own transaction.
        Records(context).RecordFallback(_options.FlagName, saga.CorrelationId, saga.Attempt, ChatPipeline.Workflow, reason, Now);
        await ExecuteAsync(context, ChatPipeline.Legacy, shadow: false);
        await TellCallerAsync(context, Routed(saga, fallback: true, reason));
    }

    private static bool CanFallBack(BehaviorContext<ChatRoutingState> context) =>
        context.Saga.ServedPipeline == ChatPipeline.Workflow && !context.Saga.Fallback;

    /// <summary>Claims the served attempt as abandoned, in the saga's transaction; false when its worker served it first.</summary>
    private Task<bool> AbandonServedAttemptAsync(BehaviorContext<ChatRoutingState> context) =>
        Records(context).TryAbandonAttemptAsync(context.Saga.CorrelationId, context.Saga.Attempt, Now, context.CancellationToken);

    /// <summary>The saga's database work, from the message's scope: the DbContext and transaction the saga row is in.</summary>
    private static IRoutingSagaRecords Records(BehaviorContext<ChatRoutingState> context)
    {
        var services = context.TryGetPayload(out IServiceScope? scope) ? scope.ServiceProvider
            : context.TryGetPayload(out IServiceProvider? provider) ? provider
            : throw new InvalidOperationException("The routing saga runs in the service scope of its message.");
        return services.GetRequiredService<IRoutingSagaRecords>();
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private async Task FailCallerAsync(BehaviorContext<ChatRoutingState> context, int status, string title)
    {
        var saga = context.Saga;
        saga.FailureReason = title;
        saga.FinishedAt = Now;
        saga.DeadlineAt = null;
        if (saga.ReplayId is null)
            Records(context).RecordFailure(saga.CorrelationId, saga.Attempt, status, title, Now);
        await TellCallerAsync(context, new ChatFailed(saga.CorrelationId, null, false, saga.Attempt, status, title, null, saga.ReplayId));
    }

    private void AwaitShadow(BehaviorContext<ChatRoutingState> context)
    {
        // The shadow gets a bounded wait of its own after the caller is served.
        context.Saga.DeadlineAt = Now + _options.ShadowWait;
        context.Saga.DeadlineSignalledAt = null;
    }

    private async Task FinishAsync(BehaviorContext<ChatRoutingState> context)
    {
        var saga = context.Saga;
        saga.FinishedAt = Now;
        saga.DeadlineAt = null;
        if (saga.ServedAnswer is null)
            return;

        var comparator = new Uri($"exchange:{_options.ComparatorEndpoint}");
        if (saga.ShadowOutcome != ShadowOutcome.None)
            await SendAsync(context, comparator, Pair(saga, saga.ShadowOutcome, saga.ShadowAnswer, noiseSample: false));
        if (saga.NoiseOutcome != ShadowOutcome.None)
            await SendAsync(context, comparator, Pair(saga, saga.NoiseOutcome, saga.NoiseAnswer, noiseSample: true));
    }

    private CompareResults Pair(ChatRoutingState saga, ShadowOutcome outcome, string? shadowAnswer, bool noiseSample) =>
        new(saga.CorrelationId, _options.FlagName, ComparisonKind.Chat, saga.ServedAnswer!, outcome == ShadowOutcome.Completed ? shadowAnswer : null,
            Compared(outcome), DurationOf(saga.ServedAnswer), outcome == ShadowOutcome.Completed ? DurationOf(shadowAnswer) : null,
            noiseSample, saga.ReplayId);

    private static ComparedOutcome Compared(ShadowOutcome outcome) => outcome switch
    {
        ShadowOutcome.Completed => ComparedOutcome.Completed,
        ShadowOutcome.Failed => ComparedOutcome.Failed,
        ShadowOutcome.Missing => ComparedOutcome.Missing,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Only a settled shadow run is compared."),
    };

    private static long DurationOf(string? answerJson) =>
        answerJson is null ? 0 : JsonSerializer.Deserialize<ChatAnswer>(answerJson, PipelineJson.Options)?.DurationMs ?? 0;

    private bool IsOverdue(BehaviorContext<ChatRoutingState, ChatDeadlinePassed> context) =>
        context.Saga.DeadlineAt is { } deadline && deadline <= Now;

    /// <param name="workflowSteps">An experiment's step flags for its workflow run; only a shadow-only request has them, so they need no state.</param>
    private Task ExecuteAsync(BehaviorContext<ChatRoutingState> context, ChatPipeline pipeline, bool shadow, int sample = 0, IReadOnlyList<string>? workflowSteps = null)
    {
        var saga = context.Saga;
        var caller = shadow || saga.CallerAddress is null ? null : new StreamTarget(new Uri(saga.CallerAddress), saga.StreamTokens);
        var command = new ExecuteChat(
            saga.CorrelationId, saga.ConversationId, pipeline, saga.Attempt,
            new ChatQuestion(saga.Message, saga.WebSearchEnabled, saga.UserId, saga.UserGroup, saga.BucketingKey),
            new ExecutionSettings(shadow, saga.FinalDeadlineAt ?? Now, saga.Mode, saga.Fallback, saga.ReplayId, sample,
                pipeline == ChatPipeline.Workflow ? workflowSteps : null),
            caller);
        var queue = pipeline == ChatPipeline.Legacy ? _options.LegacyEndpoint : _options.WorkflowEndpoint;
        return SendAsync(context, new Uri($"exchange:{queue}"), command);
    }

    private static Task TellCallerAsync<T>(BehaviorContext<ChatRoutingState> context, T message)
        where T : class =>
        context.Saga.CallerAddress is { } caller ? SendAsync(context, new Uri(caller), message) : Task.CompletedTask;

    private static async Task SendAsync<T>(BehaviorContext<ChatRoutingState> context, Uri address, T message)
        where T : class
    {
        var endpoint = await context.GetSendEndpoint(address);
        await endpoint.Send(message, context.CancellationToken);
    }

    private static ChatRouted Routed(ChatRoutingState saga, bool fallback, string? reason) =>
        new(saga.CorrelationId, saga.ConversationId, saga.ServedPipeline, saga.Mode, saga.Attempt, fallback, reason, saga.ReplayId);

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>The statuses a caller sees for a failed request.</summary>
    private static class StatusCodes
    {
        public const int BadGateway = 502;
        public const int GatewayTimeout = 504;
    }
}
