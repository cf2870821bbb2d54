using MassTransit;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Runs a saga message's transaction again when it lost a race for the instance (optimistic version check, duplicate
/// insert, serialization failure): the next attempt loads the winner's row. Used only when the repository owns the
/// transaction; behind the consumer outbox the failure goes up to the outbox and the endpoint's retry.
/// </summary>
public sealed partial class SagaConflictRetry<TSaga>
    where TSaga : class, ISaga
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(1);

    // Beyond this many doublings the delay is at its ceiling anyway; the cap keeps the power finite.
    private const int MaxDoublings = 16;

    private readonly ILogger<SagaConflictRetry<TSaga>> _logger;
    private readonly ResiliencePipeline _pipeline;

    public SagaConflictRetry(int limit, ILogger<SagaConflictRetry<TSaga>> logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
        _logger = logger;
        // Polly's retry needs at least one retry; a limit of 0 means the first failure is final.
        _pipeline = limit == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = limit,
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(SagaConflicts.IsConflict),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff(args.AttemptNumber + 1)),
                    OnRetry = args =>
                    {
                        LogConflict(typeof(TSaga).Name, args.AttemptNumber + 1, Limit, args.Outcome.Exception?.GetBaseException().Message);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
    }

    public int Limit { get; }

    public async Task ExecuteAsync(Func<Task> attempt, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(static async (attempt, _) => await attempt(), attempt, cancellationToken);

    // Exponential with full jitter (not Polly's decorrelated jitter): each round of a race has one winner, so the
    // losers must spread out quickly over the whole window.
    private static TimeSpan Backoff(int retry)
    {
        var upper = Math.Min(Base.TotalMilliseconds * Math.Pow(2, Math.Min(retry, MaxDoublings)), Ceiling.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * upper);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Saga} message lost a concurrent update (retry {Retry} of {Limit}): {Reason}")]
    private partial void LogConflict(string saga, int retry, int limit, string? reason);
}
