using System.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Loads a saga instance for update according to the concurrency mode, inside the message's transaction.</summary>
public sealed class SagaLoader<TSaga>(ConcurrencyMode mode, IsolationLevel isolationLevel)
    where TSaga : class, ISaga
{
    public IsolationLevel IsolationLevel { get; } = isolationLevel;

    public async Task<TSaga?> LoadAsync(DbContext db, Guid correlationId, CancellationToken cancellationToken)
    {
        if (mode == ConcurrencyMode.Optimistic)
            return await db.Set<TSaga>().AsTracking().SingleOrDefaultAsync(s => s.CorrelationId == correlationId, cancellationToken);

        var statement = OutboxLockStatements.SagaRow<TSaga>(db, nameof(ISaga.CorrelationId));
        return (await db.Set<TSaga>().FromSqlRaw(statement, correlationId).AsTracking().ToListAsync(cancellationToken)).SingleOrDefault();
    }

    public async Task<IList<TSaga>> LoadAsync(DbContext db, ISagaQuery<TSaga> query, CancellationToken cancellationToken)
    {
        var ids = await db.Set<TSaga>().AsNoTracking().Where(query.FilterExpression).Select(s => s.CorrelationId).ToListAsync(cancellationToken);
        var instances = new List<TSaga>(ids.Count);
        foreach (var id in ids)
        {
            if (await LoadAsync(db, id, cancellationToken) is { } instance)
                instances.Add(instance);
        }

        return instances;
    }
}
