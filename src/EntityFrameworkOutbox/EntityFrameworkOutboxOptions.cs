using System.Data;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Transaction settings of the outbox for one DbContext type.</summary>
public sealed class EntityFrameworkOutboxOptions<TDbContext>
{
    /// <summary>ReadCommitted: with row locks it is enough, and RepeatableRead + FOR UPDATE fails with 40001 under contention.</summary>
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadCommitted;

    /// <summary>
    /// Messages a consumer's outbox sends per delivery transaction. MassTransit's default for the consumer outbox is one,
    /// which costs a transaction (begin, inbox lock and update, load, commit) per captured message plus one more to
    /// find the outbox empty; the configured <see cref="EntityFrameworkOutboxConfigurator.MessageDeliveryLimit"/>
    /// delivers a consumer's few messages, still in order, in one.
    /// </summary>
    public int MessageDeliveryLimit { get; set; } = 100;

    /// <summary>See <see cref="EntityFrameworkOutboxConfigurator.OnCommitDeliveryLimit"/>.</summary>
    public int OnCommitDeliveryLimit { get; set; } = 16;

    /// <summary>See <see cref="EntityFrameworkOutboxConfigurator.OnCommitHold"/>.</summary>
    public TimeSpan OnCommitHold { get; set; } = EntityFrameworkOutboxConfigurator.DefaultOnCommitHold;
}
