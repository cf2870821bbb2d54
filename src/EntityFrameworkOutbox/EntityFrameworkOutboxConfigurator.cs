using System.Data;
using MassTransit;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Settings of <see cref="EntityFrameworkOutboxRegistrationExtensions.AddEntityFrameworkOutbox{TDbContext}"/> (names as in MassTransit's).</summary>
public sealed class EntityFrameworkOutboxConfigurator
{
    /// <summary>Backstop poll of the delivery service when no commit notification arrives.</summary>
    public TimeSpan QueryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages delivered per run before the service checks for shutdown.</summary>
    public int QueryMessageLimit { get; set; } = 1000;

    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a consumed message id is remembered to reject duplicates.</summary>
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(30);

    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadCommitted;

    /// <summary>Messages sent per outbox per transaction.</summary>
    public int MessageDeliveryLimit { get; set; } = 100;

    internal static readonly TimeSpan DefaultOnCommitHold = TimeSpan.FromSeconds(30);

    public TimeSpan MessageDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long other deliverers leave alone an outbox that its committing process delivers on commit, counted from its
    /// creation. While it lasts that process sends without claiming the row first (a round trip before the sends), and
    /// removes the rows after; past it, the process claims like any deliverer, and the delivery service may take the
    /// outbox: how long the committed outboxes of a process that died wait for another. Longer than
    /// <see cref="MessageDeliveryTimeout"/>, so sends begun under the hold end within it; zero for no holds (every
    /// delivery claims first). Every process on one database should use the same: a delivery service judges by its own.
    /// </summary>
    public TimeSpan OnCommitHold { get; set; } = DefaultOnCommitHold;

    /// <summary>
    /// Outboxes the committing process delivers at once, each on a database connection of its own until its sends are
    /// confirmed; further commits wait their turn in memory. Unbounded, a burst of commits while the broker was down
    /// held a connection each for up to <see cref="MessageDeliveryTimeout"/> and exhausted the connection pool that
    /// the requests themselves need.
    /// </summary>
    public int OnCommitDeliveryLimit { get; set; } = 16;

    internal BusOutboxSettings? BusOutbox { get; private set; }
    internal bool InboxCleanup { get; private set; } = true;

    /// <summary>Capture publishes and sends made outside consumers (scoped endpoints) in the application's transaction.</summary>
    public void UseBusOutbox(Action<IBusOutboxConfigurator>? configure = null)
    {
        BusOutbox = new BusOutboxSettings();
        configure?.Invoke(BusOutbox);
    }

    public void DisableInboxCleanupService() => InboxCleanup = false;

    internal void Validate()
    {
        if (QueryDelay <= TimeSpan.Zero || QueryTimeout <= TimeSpan.Zero || MessageDeliveryTimeout <= TimeSpan.Zero || DuplicateDetectionWindow <= TimeSpan.Zero)
            throw new ArgumentException("Outbox delays, timeouts and the duplicate-detection window must be positive.");
        if (OnCommitHold < TimeSpan.Zero || (OnCommitHold > TimeSpan.Zero && OnCommitHold <= MessageDeliveryTimeout))
            throw new ArgumentException("The on-commit hold must be zero (no holds) or longer than the message delivery timeout.");
        if (QueryMessageLimit < 1 || MessageDeliveryLimit < 1 || OnCommitDeliveryLimit < 1)
            throw new ArgumentException("Outbox query and delivery limits must be at least 1.");
        if (IsolationLevel is not (IsolationLevel.ReadCommitted or IsolationLevel.RepeatableRead or IsolationLevel.Serializable))
            throw new ArgumentException("The outbox needs ReadCommitted (default), RepeatableRead or Serializable on PostgreSQL.");
    }
}
