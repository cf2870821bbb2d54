using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Infrastructure.Rollouts;

/// <summary>Evaluates running rollouts continuously, one <see cref="RolloutConductor.EvaluateAsync"/> per interval.</summary>
public sealed partial class RolloutController(IServiceScopeFactory scopes, IOptions<RolloutOptions> options, TimeProvider time, ILogger<RolloutController> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EvaluationInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RolloutConductor>().EvaluateAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed evaluation changes nothing (its transaction rolls back); the next tick judges afresh.
                LogEvaluationFailed(exception);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Rollout evaluation failed; retrying at the next interval")]
    private partial void LogEvaluationFailed(Exception exception);
}
