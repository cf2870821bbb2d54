using System.Data.Common;
using System.Runtime.CompilerServices;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// Wakes the delivery service when an explicit transaction that holds bus-outbox rows commits. Without it those rows
/// wait for the backstop poll, because when <c>SaveChanges</c> returns inside a transaction they are not yet visible.
/// </summary>
public sealed class OutboxTransactionCommitInterceptor(IBusOutboxNotification notification) : DbTransactionInterceptor
{
    private static readonly object Marker = new();

    // Weak: pooled contexts outlive scopes, and a forgotten mark must not keep a disposed context alive.
    private readonly ConditionalWeakTable<DbContext, object> _pending = new();

    /// <summary>Notify when the current transaction of <paramref name="db"/> commits.</summary>
    public void WakeOnCommit(DbContext db) => _pending.AddOrUpdate(db, Marker);

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

    private void Committed(DbContext? db)
    {
        if (db is not null && _pending.Remove(db))
            notification.Delivered();
    }

    private void RolledBack(DbContext? db)
    {
        if (db is not null)
            _pending.Remove(db);
    }
}
