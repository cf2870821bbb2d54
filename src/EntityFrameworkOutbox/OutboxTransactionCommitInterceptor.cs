using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Reports the bus outboxes an explicit transaction holds when it commits. Without it those rows wait for the
/// backstop poll, because when <c>SaveChanges</c> returns inside a transaction they are not yet visible.
/// </summary>
public sealed class OutboxTransactionCommitInterceptor(ICommittedOutboxes committed) : DbTransactionInterceptor
{
    // Weak: pooled contexts outlive scopes, and a forgotten mark must not keep a disposed context alive.
    private readonly ConditionalWeakTable<DbContext, List<(OutboxState Outbox, IReadOnlyList<OutboxMessage> Messages)>> _pending = new();

    /// <summary>Report <paramref name="outbox"/> and its saved <paramref name="messages"/> when the current transaction of <paramref name="db"/> commits.</summary>
    public void ReportOnCommit(DbContext db, OutboxState outbox, IReadOnlyList<OutboxMessage> messages)
    {
        var outboxes = _pending.GetOrCreateValue(db);
        lock (outboxes)
            outboxes.Add((outbox, messages));
    }

    /// <summary>The transaction will not commit what was marked (rolled back, or the scope ended first).</summary>
    public void Forget(DbContext db) => _pending.Remove(db);

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The current transaction of <paramref name="db"/> committed by a <c>COMMIT</c> sent in a statement batch, which
    /// EF does not see: reports what it held as <see cref="TransactionCommitted"/> would have.
    /// </summary>
    public void CommittedInBatch(DbContext db) => Committed(db);

    private void Committed(DbContext? db)
    {
        if (db is null || !_pending.TryGetValue(db, out var outboxes))
            return;
        _pending.Remove(db);
        lock (outboxes)
        {
            foreach (var (outbox, messages) in outboxes)
                committed.Committed(outbox, messages);
        }
    }

    private void RolledBack(DbContext? db)
    {
        if (db is not null)
            _pending.Remove(db);
    }
}
