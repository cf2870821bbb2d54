namespace Pipeline.EntityFrameworkOutbox;

/// <summary>One committed unit of bus-outbox messages awaiting delivery (same shape as MassTransit's).</summary>
public sealed class OutboxState
{
    public Guid OutboxId { get; set; }
    public Guid LockId { get; set; }
    public DateTime Created { get; set; }
    public DateTime? Delivered { get; set; }
    public long? LastSequenceNumber { get; set; }
}
