using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// The EF Core saga repository: each message runs in one transaction inside EF's execution strategy, or inside the
/// outbox's transaction when the endpoint has the outbox (then the saga row and the captured messages commit together).
/// A message that loses a race for its instance runs again in a new transaction when the repository owns it.
/// </summary>
public sealed class EntityFrameworkSagaRepositoryContextFactory<TSaga>(
    ISagaDbContextFactory<TSaga> dbContextFactory,
    ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory,
    SagaLoader<TSaga> loader,
    SagaConflictRetry<TSaga> conflictRetry) :
    ISagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        var db = dbContextFactory.CreateScoped(context);
        try
        {
            async Task SendWithinContext()
            {
                using var repositoryContext = new DbContextSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory, loader);
                await next.Send(repositoryContext);
            }

            await SendAsync(db, context, SendWithinContext);
        }
        finally
        {
            await dbContextFactory.ReleaseAsync(db);
        }
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        var db = dbContextFactory.CreateScoped(context);
        try
        {
            async Task SendWithinContext()
            {
                var instances = await loader.LoadAsync(db, query, context.CancellationToken);
                using var repositoryContext = new DbContextSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory, loader);
                await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
            }

            await SendAsync(db, context, SendWithinContext);
        }
        finally
        {
            await dbContextFactory.ReleaseAsync(db);
        }
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteReadOnlyAsync(asyncMethod, cancellationToken);

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteReadOnlyAsync(asyncMethod, cancellationToken);

    public void Probe(ProbeContext context) => context.Add("persistence", "pipeline-entityFrameworkCore");

    private async Task<T> ExecuteReadOnlyAsync<T>(Func<DbContextSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken)
    {
        var db = dbContextFactory.Create();
        try
        {
            return await asyncMethod(new DbContextSagaRepositoryContext<TSaga>(db, cancellationToken));
        }
        finally
        {
            await dbContextFactory.ReleaseAsync(db);
        }
    }

    private Task SendAsync<T>(DbContext db, ConsumeContext<T> context, Func<Task> sendWithinContext)
        where T : class
    {
        // Behind the outbox its transaction is ours too; a conflict must fail it so the outbox and retry start over.
        if (context.TryGetPayload(out IDbTransactionPayload? _))
            return sendWithinContext();

        return conflictRetry.ExecuteAsync(
            () => db.Database.CreateExecutionStrategy().ExecuteAsync(() => WithinTransactionAsync(db, context.CancellationToken, sendWithinContext)),
            context.CancellationToken);
    }

    private async Task WithinTransactionAsync(DbContext db, CancellationToken cancellationToken, Func<Task> callback)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(loader.IsolationLevel, cancellationToken);
        try
        {
            await callback();
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            await transaction.RollBackQuietlyAsync();
            // A retry of this message must start from the database, not from this attempt's tracked changes.
            db.ChangeTracker.Clear();
            throw;
        }
    }
}
