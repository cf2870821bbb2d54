using Pipeline.Contracts;
using Pipeline.Platform.Sampling;
using Pipeline.Persistence.Routing;

namespace Pipeline.Rollouts;

/// <summary>
/// Extra eval sampling while an improvement rollout serves a share of requests with the new pipeline: at 1 % the
/// regular sample would leave its gate without evidence for hours, so every answer the new pipeline serves is evaluated,
/// and the old pipeline's answers at the rate that yields about as many (bucketed by request). Kept in memory by
/// every coordination host from the running rollouts (<see cref="RolloutConductor"/>), read by the routing saga.
/// </summary>
public sealed class RolloutEvalSampling
{
    private volatile Window _window = Window.None;

    /// <summary>The share of the old pipeline's answers evaluated now (0 when no improvement rollout serves a percentage).</summary>
    public double ControlRate => _window.ControlRate;

    public bool Active => _window.Active;

    /// <summary>Whether a served answer is evaluated for the running improvement rollout.</summary>
    public bool Includes(Guid requestId, ChatPipeline servedPipeline)
    {
        var window = _window;
        return window.Active && (servedPipeline == ChatPipeline.Workflow || NoiseSampling.Includes(requestId, window.ControlRate));
    }

    /// <summary>Sets the sampling for the improvement rollout now at <paramref name="percentage"/> (null: none needs evidence).</summary>
    public void Update(double? percentage, double controlRatio)
    {
        if (percentage is not { } p || p <= 0)
        {
            _window = Window.None;
            return;
        }

        var control = p >= RolloutStage.Everyone ? 0 : Math.Min(1, controlRatio * p / (RolloutStage.Everyone - p));
        _window = new Window(true, control);
    }

    private sealed record Window(bool Active, double ControlRate)
    {
        public static readonly Window None = new(false, 0);
    }
}
