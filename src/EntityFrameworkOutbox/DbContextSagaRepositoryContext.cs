using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// One saga message's view of the repository: insert (falling back to load on a duplicate key, or deferred to the
/// update behind the consumer outbox), load, update, delete and undo on the message's DbContext.
/// </summary>
public sealed class DbContextSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>, IDisposable
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly ConsumeContext<TMessage> _context;
    private readonly DbContext _db;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> _factory;
    private readonly SemaphoreSlim _inUse = new(1);
    private readonly SagaLoader<TSaga> _loader;

    public DbContextSagaRepositoryContext(DbContext db, ConsumeContext<TMessage> context, ISagaConsumeContextFactory<DbContext, TSaga> factory, SagaLoader<TSaga> loader)
        : base(context, db)
    {
        _db = db;
        _context = context;
        _factory = factory;
        _loader = loader;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        if (InsertsAfterTheBehaviour())
        {
            // Tracked as added only: Update (or Delete) writes the row once, with the state the behaviour left it in.
            _db.Set<TSaga>().Add(instance);
            return await _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Insert);
        }

        var entry = await _db.Set<TSaga>().AddAsync(instance, CancellationToken);
        try
        {
            await _db.SaveChangesAsync(CancellationToken);
            return await _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Insert);
        }
        catch (DbUpdateException)
        {
            // Most likely the instance exists already (a duplicate first message): forget the pre-insert so the
            // pipe can load the existing row. EF's automatic savepoint keeps PostgreSQL's transaction usable.
            entry.State = EntityState.Detached;
            return null!;
        }
    }

    /// <summary>
    /// Whether a new instance may wait for its row until the behaviour has run (one <c>INSERT</c> instead of an
    /// <c>INSERT</c> now and an <c>UPDATE</c> after). The insert-first exists so that of two concurrent first messages
    /// the loser never runs the initial behaviour: its insert waits on the winner's key and fails, and it loads the
    /// winner's row. Deferred, the loser runs the behaviour on a fresh instance and its insert fails at the end
    /// instead; that is the same as losing any saga race only when everything the behaviour did is in the failed
    /// transaction, i.e. behind the consumer outbox (its published messages are outbox rows that roll back with it).
    /// The unique violation fails the transaction, the endpoint's retry runs the message again, and a retried or
    /// redelivered message inserts first as before, so the loser's second attempt loads the winner's row: one
    /// instance, one winner, no behaviour applied twice. Without the outbox, the behaviour's publishes leave at once,
    /// so the instance is inserted first.
    /// </summary>
    private bool InsertsAfterTheBehaviour() =>
        _context.TryGetPayload(out IDbTransactionPayload? _)
        && _context.GetRetryAttempt() == 0
        && _context.GetRedeliveryCount() == 0
        && !_context.ReceiveContext.Redelivered;

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await _loader.LoadAsync(_db, correlationId, CancellationToken);
        return instance is null ? null! : await _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        await _inUse.WaitAsync(context.CancellationToken);
        try
        {
            await _db.Set<TSaga>().AddAsync(context.Saga, CancellationToken);
            await _db.SaveChangesWithoutSavepointAsync(CancellationToken);
        }
        finally
        {
            _inUse.Release();
        }
    }

    public async Task Update(SagaConsumeContext<TSaga> context)
    {
        await _inUse.WaitAsync(context.CancellationToken);
        try
        {
            await _db.SaveChangesWithoutSavepointAsync(CancellationToken);
        }
        finally
        {
            _inUse.Release();
        }
    }

    public async Task Delete(SagaConsumeContext<TSaga> context)
    {
        await _inUse.WaitAsync(context.CancellationToken);
        try
        {
            _db.Set<TSaga>().Remove(context.Saga);
            await _db.SaveChangesWithoutSavepointAsync(CancellationToken);
        }
        finally
        {
            _inUse.Release();
        }
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public async Task Undo(SagaConsumeContext<TSaga> context)
    {
        await _inUse.WaitAsync(context.CancellationToken);
        try
        {
            var entry = _db.ChangeTracker.Entries<TSaga>().FirstOrDefault(e => e.Entity.CorrelationId == context.Saga.CorrelationId);
            // An instance still waiting for its insert (see Insert) is forgotten: nothing of it was written.
            if (entry is not null)
                entry.State = entry.State == EntityState.Added ? EntityState.Detached : EntityState.Unchanged;
        }
        finally
        {
            _inUse.Release();
        }
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_db, consumeContext, instance, mode);

    public void Dispose() => _inUse.Dispose();
}

/// <summary>Read-only access to saga instances outside a message (queries, loads by id).</summary>
public sealed class DbContextSagaRepositoryContext<TSaga>(DbContext db, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), QuerySagaRepositoryContext<TSaga>, LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISaga
{
    public async Task<TSaga> Load(Guid correlationId) =>
        (await db.Set<TSaga>().AsNoTracking().SingleOrDefaultAsync(s => s.CorrelationId == correlationId, CancellationToken))!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken)
    {
        var ids = await db.Set<TSaga>().AsNoTracking().Where(query.FilterExpression).Select(s => s.CorrelationId).ToListAsync(cancellationToken);
        return new DefaultSagaRepositoryQueryContext<TSaga>(this, ids);
    }
}
