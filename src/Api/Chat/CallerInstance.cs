using Pipeline.Platform.Bus;

namespace Pipeline.Api.Chat;

/// <summary>
/// This API process's own endpoint: workers and the saga send a request's events here, so they reach the instance
/// that holds the caller and no other. Its queue is durable with an expiry, so a broker restart loses none of them.
/// </summary>
public sealed class CallerInstance
{
    public CallerInstance()
    {
        EndpointName = BusServiceCollectionExtensions.InstanceEndpointName("api");
        // An exchange address never declares a queue: once a departed instance's queue has expired, its events are
        // dropped by the broker instead of piling up in an orphaned queue.
        Address = BusServiceCollectionExtensions.DurableInstanceExchange(EndpointName);
    }

    public string EndpointName { get; }
    public Uri Address { get; }
}
