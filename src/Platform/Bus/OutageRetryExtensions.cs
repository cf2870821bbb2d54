using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipeline.Platform.Bus;

/// <summary>The outage retry of a receive endpoint.</summary>
public static class OutageRetryExtensions
{
    /// <summary>
    /// Waits out a database or network outage with exponential backoff. Configure it after the endpoint's own retry:
    /// MassTransit does not nest retries (an outer policy never retries what an inner one gave up on), so the outage
    /// policy must be the inner one, handling only outages and passing every other failure to the endpoint's policy.
    /// </summary>
    public static void UseOutageRetry(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        var outage = context.GetRequiredService<IOptions<OutageRetryOptions>>().Value;
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(InfrastructureOutage.IsOutage);
            r.Exponential(outage.RetryLimit, outage.MinInterval, outage.MaxInterval, outage.IntervalDelta);
        });
    }
}
