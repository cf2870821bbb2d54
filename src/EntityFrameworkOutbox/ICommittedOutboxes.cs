namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Told when a bus outbox has committed and its messages may go out.</summary>
public interface ICommittedOutboxes
{
    /// <summary>
    /// <paramref name="outboxId"/> has committed with <paramref name="messages"/>, the rows as the committing context
    /// holds them (sequence numbers assigned), so they can be sent without being read back.
    /// </summary>
    void Committed(Guid outboxId, IReadOnlyList<OutboxMessage> messages);
}
