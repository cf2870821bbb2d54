namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Marks a consume context already inside the outbox's transaction, so the saga repository joins it instead of opening its own.</summary>
public interface IDbTransactionPayload
{
    Guid TransactionId { get; }
}
