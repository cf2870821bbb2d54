using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;

namespace Pipeline.Components.Tests.Rollouts;

/// <summary>
/// Lets the bus outbox's delivery service win its race against the next transaction: a commit of a watched context
/// returns only once every committed outbox has been delivered and removed. In production delivery usually is that
/// quick (the commit wakes it); here it always is, so a message written under an outbox that was already delivered
/// is lost on every run instead of now and then.
/// </summary>
public sealed class DeliveredBetweenTransactions(IServiceScopeFactory scopes) : DbTransactionInterceptor
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly ConditionalWeakTable<DbContext, object> _watched = new();

    /// <summary>Until disposed, commits of <paramref name="db"/> wait for delivery (pooled contexts serve other scopes later).</summary>
    public IDisposable Watch(DbContext db)
    {
        _watched.AddOrUpdate(db, this);
        return new Unwatch(() => _watched.Remove(db));
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is null || !_watched.TryGetValue(eventData.Context, out _))
            return;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var deadline = DateTime.UtcNow + Patience;
        // Gives up quietly: the test's own assertions say what was not delivered.
        while (await db.Set<OutboxState>().AnyAsync(cancellationToken) && DateTime.UtcNow < deadline)
            await Task.Delay(PollInterval, cancellationToken);
    }

    private sealed class Unwatch(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
