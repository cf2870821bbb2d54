using Pipeline.Platform.Bus;

namespace Pipeline.Api.Chat;

/// <summary>
/// This API process's own, temporary endpoint: workers and the saga send a request's events here, so they reach
/// the instance that holds the caller and no other.
/// </summary>
public sealed class CallerInstance
{
    public CallerInstance()
    {
        EndpointName = BusServiceCollectionExtensions.InstanceEndpointName("api");
        // An exchange address never declares a queue, so events for a departed instance are dropped by the broker
        // instead of piling up in an orphaned queue; the flags match how the temporary endpoint declares it.
        Address = new Uri($"exchange:{EndpointName}?durable=false&autodelete=true");
    }

    public string EndpointName { get; }
    public Uri Address { get; }
}
