namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Told when a bus outbox has committed and its messages may go out.</summary>
public interface ICommittedOutboxes
{
    /// <summary>
    /// The mark written on the outboxes this process will deliver the moment they commit, so that other deliverers leave
    /// them alone for <see cref="EntityFrameworkOutboxConfigurator.OnCommitHold"/>; <see cref="Guid.Empty"/> when this
    /// process leaves its outboxes to a delivery service.
    /// </summary>
    Guid Holder { get; }

    /// <summary>
    /// <paramref name="outbox"/> has committed with <paramref name="messages"/>, the rows as the committing context
    /// holds them (sequence numbers assigned), so they can be sent without being read back.
    /// </summary>
    void Committed(OutboxState outbox, IReadOnlyList<OutboxMessage> messages);
}
