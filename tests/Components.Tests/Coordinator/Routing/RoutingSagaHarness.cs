using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Saga;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Rollouts;
using Pipeline.Coordinator.Routing;
using Pipeline.Answering.Serving;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Components.Tests.Coordinator.Routing;

/// <summary>
/// The routing saga alone on MassTransit's in-memory test harness: an in-memory saga repository, flags that answer
/// what the test sets, a clock that moves only when the test moves it, and fake database work.
/// </summary>
internal sealed class RoutingSagaHarness : IAsyncDisposable
{
    public static readonly Uri Caller = new("queue:instance-caller-test");

    /// <summary>Every request's question, from alice (who is also its bucketing key), whichever way it reaches the saga.</summary>
    private static readonly ChatQuestion Question = new("What does GDPR article 17 say?", WebSearchEnabled: false, UserId: "alice", UserGroup: null, BucketingKey: "alice");
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly ServiceProvider _provider;

    private RoutingSagaHarness(ServiceProvider provider, RoutingOptions options, FakeTimeProvider clock, TestFlags flags, FakeRoutingSagaRecords records)
    {
        _provider = provider;
        Options = options;
        (Clock, Flags, Records) = (clock, flags, records);
        Bus = provider.GetRequiredService<ITestHarness>();
        Saga = Bus.GetSagaStateMachineHarness<ChatRoutingStateMachine, ChatRoutingState>();
    }

    public FakeTimeProvider Clock { get; }
    public TestFlags Flags { get; }
    public FakeRoutingSagaRecords Records { get; }
    public RoutingOptions Options { get; }
    public ITestHarness Bus { get; }
    public ISagaStateMachineTestHarness<ChatRoutingStateMachine, ChatRoutingState> Saga { get; }

    public static async Task<RoutingSagaHarness> StartAsync(Action<RoutingOptions>? configure = null)
    {
        var options = new RoutingOptions { NoiseSampleRate = 0, WorkflowDeadline = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        var (clock, flags, records) = (new FakeTimeProvider(Start), new TestFlags(), new FakeRoutingSagaRecords());
        var services = new ServiceCollection();
        services.AddSingleton<IOptions<RoutingOptions>>(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IFlagEvaluator>(flags);
        // Scoped as in the hosts, so the saga must find it in its message's scope.
        services.AddScoped<IRoutingSagaRecords>(_ => records);
        services.AddSingleton<LegacyLatencyBaseline>();
        services.AddSingleton<RolloutEvalSampling>();
        services.AddMassTransitTestHarness(bus =>
            bus.AddSagaStateMachine<ChatRoutingStateMachine, ChatRoutingState>().InMemoryRepository());
        var harness = new RoutingSagaHarness(services.BuildServiceProvider(true), options, clock, flags, records);
        harness.Bus.TestTimeout = WaitLimit;
        await harness.Bus.Start();
        return harness;
    }

    public Guid NewRequestId() => NewId.NextGuid();

    /// <summary>
    /// Publishes a request from a caller (or, with <paramref name="replayId"/>, a replay with none; with
    /// <paramref name="dispatched"/>, one whose legacy run the API sent itself) and waits until the saga consumed it.
    /// </summary>
    public async Task RequestAsync(Guid requestId, Guid? replayId = null, bool dispatched = false, DateTime? requestedAt = null)
    {
        var caller = replayId is null ? Caller : null;
        await PublishAsync(new ChatRequested(requestId, Guid.NewGuid(), Question.Message, Question.WebSearchEnabled, Question.UserId, Question.UserGroup,
            Question.BucketingKey, caller, requestedAt ?? Clock.GetUtcNow().UtcDateTime, replayId, Dispatched: dispatched));
    }

    /// <summary>
    /// Records a flag-off request as the API does when it dispatches the legacy run itself (the saga's row written in the
    /// request's transaction, no <see cref="ChatRequested"/>), with the caller, question and deadline <see cref="RequestAsync"/> uses.
    /// </summary>
    public ChatRoutingState RecordDispatched(Guid requestId, DateTime? requestedAt = null)
    {
        var at = requestedAt ?? Clock.GetUtcNow().UtcDateTime;
        var state = ChatRoutingState.Dispatched(requestId, Guid.NewGuid(), Question, Caller, streamTokens: true, at, at + Options.Deadline);
        _provider.GetRequiredService<IndexedSagaDictionary<ChatRoutingState>>().Add(new SagaInstance<ChatRoutingState>(state));
        return state;
    }

    /// <summary>Publishes <paramref name="message"/> and waits until the saga has consumed it, whatever it did with it.</summary>
    public async Task PublishAsync<T>(T message)
        where T : class
    {
        var consumedBefore = Bus.Consumed.Select<T>().Count();
        await Bus.Bus.Publish(message);
        using var limit = new CancellationTokenSource(WaitLimit);
        while (Bus.Consumed.Select<T>().Count() <= consumedBefore)
        {
            if (limit.IsCancellationRequested)
                throw new TimeoutException($"The saga did not consume {typeof(T).Name} within {WaitLimit}.");
            await Task.Delay(PollInterval);
        }
    }

    public Task CompleteAsync(Guid requestId, ChatPipeline pipeline, bool shadow = false, int attempt = 0, int sample = 0, long durationMs = 100) =>
        PublishAsync(new ChatCompleted(requestId, Guid.Empty, pipeline, shadow, attempt, Answer(pipeline, durationMs), TokenCount: 3, Sample: sample));

    public Task FailAsync(Guid requestId, ChatPipeline pipeline, bool shadow = false, int attempt = 0, int sample = 0) =>
        PublishAsync(new ChatFailed(requestId, pipeline, shadow, attempt, 500, $"{pipeline} broke", null, Sample: sample));

    /// <summary>What the deadline sweep would publish for the row's current deadline.</summary>
    public Task SignalDeadlineAsync(Guid requestId) =>
        PublishAsync(new ChatDeadlinePassed(requestId, Clock.GetUtcNow().UtcDateTime));

    public ChatRoutingState Instance(Guid requestId) =>
        Saga.Sagas.Contains(requestId) ?? throw new InvalidOperationException($"No saga instance for {requestId}.");

    public string StateOf(Guid requestId) => Instance(requestId).CurrentState;

    /// <summary>The instance as the repository holds it now, or null when it keeps none (the harness lists every instance it ever saw).</summary>
    public async Task<ChatRoutingState?> StoredAsync(Guid requestId) =>
        await _provider.GetRequiredService<ILoadSagaRepository<ChatRoutingState>>().Load(requestId);

    public List<ExecuteChat> Executions(Guid requestId) => Sent<ExecuteChat>(m => m.RequestId == requestId);

    public List<ChatRouted> Routings(Guid requestId) => Sent<ChatRouted>(m => m.RequestId == requestId);

    public List<ChatFailed> CallerFailures(Guid requestId) => Sent<ChatFailed>(m => m.RequestId == requestId);

    public List<CompareResults> Comparisons(Guid requestId) => Sent<CompareResults>(m => m.RequestId == requestId);

    public List<ResultSampled> EvalSamples(Guid requestId) =>
        Bus.Published.Select<ResultSampled>().Select(m => m.Context.Message).Where(m => m.RequestId == requestId).ToList();

    /// <summary>Where each of the request's messages of type <typeparamref name="T"/> was sent, in order.</summary>
    public List<Uri?> Destinations<T>(Guid requestId)
        where T : class =>
        Bus.Sent.Select<T>().Where(m => RequestIdOf(m.Context.Message) == requestId).Select(m => m.Context.DestinationAddress).ToList();

    public static ChatAnswer Answer(ChatPipeline pipeline, long durationMs) =>
        new($"{pipeline} answer [1]", [new ChatCitation(1, "gdpr-17")], [new ChatSource("gdpr-17", "gdpr", "GDPR", 17, 0.9, "chunk", null)],
            Cached: false, durationMs, new ChatUsage(120, 40, 0.001m));

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await _provider.DisposeAsync();
    }

    private List<T> Sent<T>(Func<T, bool> filter)
        where T : class =>
        Bus.Sent.Select<T>().Select(m => m.Context.Message).Where(filter).ToList();

    private static Guid? RequestIdOf(object message) => message switch
    {
        ExecuteChat m => m.RequestId,
        ChatRouted m => m.RequestId,
        ChatFailed m => m.RequestId,
        CompareResults m => m.RequestId,
        _ => null,
    };
}

/// <summary>Flags for the saga: the routing flag and eval sampling answer what the test set, for everyone.</summary>
internal sealed class TestFlags : IFlagEvaluator
{
    private readonly ConcurrentDictionary<string, FlagMode> _modes = new();

    public void Set(string flagName, FlagMode mode) => _modes[flagName] = mode;

    public FlagDecision Evaluate(string flagName, in FlagContext context) =>
        new(_modes.GetValueOrDefault(flagName, FlagMode.Off), 0, DecisionReason.Everyone);
}

/// <summary>The saga's database work, remembered instead of written; a worker can be made to have served an attempt first.</summary>
internal sealed class FakeRoutingSagaRecords : IRoutingSagaRecords
{
    private readonly ConcurrentDictionary<(Guid RequestId, int Attempt), string> _claims = new();

    public ConcurrentQueue<(Guid RequestId, int FallbackAttempt, ChatPipeline Abandoned, string Reason)> Fallbacks { get; } = new();

    public IReadOnlyList<(Guid RequestId, int Attempt)> Abandoned =>
        _claims.Where(c => c.Value == ServingClaims.Abandoned).Select(c => c.Key).ToList();

    /// <summary>The attempt's worker claims it as served, as its transaction would before the saga's.</summary>
    public void ServedByWorker(Guid requestId, int attempt) => _claims[(requestId, attempt)] = ServingClaims.Served;

    public Task<bool> TryAbandonAttemptAsync(Guid requestId, int attempt, DateTime at, CancellationToken cancellationToken) =>
        Task.FromResult(_claims.TryAdd((requestId, attempt), ServingClaims.Abandoned));

    public void RecordFallback(string flagName, Guid requestId, int fallbackAttempt, ChatPipeline abandoned, string reason, DateTime at) =>
        Fallbacks.Enqueue((requestId, fallbackAttempt, abandoned, reason));

    public ConcurrentQueue<(Guid RequestId, int Attempt, int Status, string Title)> Failures { get; } = new();

    public void RecordFailure(Guid requestId, int attempt, int status, string title, DateTime at) =>
        Failures.Enqueue((requestId, attempt, status, title));
}
