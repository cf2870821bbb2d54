using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// One saga message's view of the repository: insert (falling back to load on a duplicate key), load, update,
/// delete and undo on the message's DbContext.
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
            if (entry is not null)
                entry.State = EntityState.Unchanged;
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
