using MassTransit;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>What <c>UseBusOutbox</c> configures: whether this host also runs the delivery service.</summary>
internal sealed class BusOutboxSettings : IBusOutboxConfigurator
{
    public bool DeliveryService { get; private set; } = true;

    /// <summary>For hosts that only write to the outbox while another host (same database) delivers.</summary>
    public void DisableDeliveryService() => DeliveryService = false;
}
