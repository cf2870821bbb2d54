namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>Told when a bus outbox has committed and its messages may go out.</summary>
public interface ICommittedOutboxes
{
    void Committed(Guid outboxId);
}
