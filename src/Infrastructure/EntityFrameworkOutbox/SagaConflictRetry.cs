using MassTransit;
using Microsoft.Extensions.Logging;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// Runs a saga message's transaction again when it lost a race for the instance (optimistic version check, duplicate
/// insert, serialization failure): the next attempt loads the winner's row. Used only when the repository owns the
/// transaction; behind the consumer outbox the failure goes up to the outbox and the endpoint's retry.
/// </summary>
public sealed partial class SagaConflictRetry<TSaga>(int limit, ILogger<SagaConflictRetry<TSaga>> logger)
    where TSaga : class, ISaga
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(1);

    public int Limit { get; } = limit;

    public async Task ExecuteAsync(Func<Task> attempt, CancellationToken cancellationToken)
    {
        for (var retry = 1; ; retry++)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception ex) when (retry <= Limit && SagaConflicts.IsConflict(ex))
            {
                LogConflict(typeof(TSaga).Name, retry, Limit, ex.GetBaseException().Message);
                await Task.Delay(Backoff(retry), cancellationToken);
            }
        }
    }

    // Exponential with full jitter: each round of a race has one winner, so the losers must spread out quickly.
    private static TimeSpan Backoff(int retry)
    {
        var upper = Math.Min(Base.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 16)), Ceiling.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * upper);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Saga} message lost a concurrent update (retry {Retry} of {Limit}): {Reason}")]
    private partial void LogConflict(string saga, int retry, int limit, string reason);
}
