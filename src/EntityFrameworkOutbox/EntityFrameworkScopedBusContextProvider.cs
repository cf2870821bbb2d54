using MassTransit;
using MassTransit.DependencyInjection;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Replaces MassTransit's scoped bus context: inside a consumer the consume context publishes (and its own outbox
/// applies); anywhere else the scoped endpoints write to the bus outbox.
/// </summary>
public sealed class EntityFrameworkScopedBusContextProvider<TBus, TDbContext> : IScopedBusContextProvider<TBus>, IDisposable
    where TBus : class, IBus
    where TDbContext : DbContext
{
    public EntityFrameworkScopedBusContextProvider(TBus bus, TDbContext db, ICommittedOutboxes committed, OutboxTransactionCommitInterceptor commits,
        Bind<TBus, IClientFactory> clientFactory, ScopedConsumeContextProvider consumeContextProvider, TimeProvider time, IServiceProvider provider)
    {
        Context = consumeContextProvider.HasContext
            ? new ConsumeContextScopedBusContext(consumeContextProvider.GetContext(), clientFactory.Value)
            : new EntityFrameworkScopedBusContext<TBus, TDbContext>(bus, db, committed, commits, clientFactory.Value, time, provider);
    }

    public ScopedBusContext Context { get; }

    public void Dispose() => (Context as IDisposable)?.Dispose();
}
