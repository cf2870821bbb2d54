using MassTransit.Middleware.Outbox;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>For a host that writes to the outbox but leaves delivery to a delivery service: wake it.</summary>
public sealed class WakeDeliveryServiceOnCommit(IBusOutboxNotification deliveryService) : ICommittedOutboxes
{
    public void Committed(Guid outboxId, IReadOnlyList<OutboxMessage> messages) => deliveryService.Delivered();
}
