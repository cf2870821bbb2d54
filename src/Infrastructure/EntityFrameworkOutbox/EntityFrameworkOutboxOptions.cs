using System.Data;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>Transaction settings of the outbox for one DbContext type.</summary>
public sealed class EntityFrameworkOutboxOptions<TDbContext>
{
    /// <summary>ReadCommitted: with row locks it is enough, and RepeatableRead + FOR UPDATE fails with 40001 under contention.</summary>
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadCommitted;
}
