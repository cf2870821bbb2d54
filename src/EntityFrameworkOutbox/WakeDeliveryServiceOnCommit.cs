using MassTransit.Middleware.Outbox;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>For a host that writes to the outbox but leaves delivery to a delivery service: wake it.</summary>
public sealed class WakeDeliveryServiceOnCommit(IBusOutboxNotification deliveryService) : ICommittedOutboxes
{
    public Guid Holder => Guid.Empty;

    public void Committed(OutboxState outbox, IReadOnlyList<OutboxMessage> messages) => deliveryService.Delivered();
}
