using System.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>Settings of an EF Core saga repository (names as in MassTransit's).</summary>
public sealed class EntityFrameworkSagaRepositoryConfigurator<TSaga>
    where TSaga : class, ISaga
{
    private Action<IServiceCollection>? _registerDbContext;

    public ConcurrencyMode ConcurrencyMode { get; set; } = ConcurrencyMode.Optimistic;

    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadCommitted;

    /// <summary>Use the application's registered DbContext (which maps the saga and the outbox tables).</summary>
    public void ExistingDbContext<TContext>()
        where TContext : DbContext =>
        _registerDbContext = services => services.AddScoped<ISagaDbContextFactory<TSaga>, ContainerSagaDbContextFactory<TContext, TSaga>>();

    internal void Register(IServiceCollection services)
    {
        if (_registerDbContext is null)
            throw new InvalidOperationException($"The saga repository for {typeof(TSaga).Name} needs a DbContext: call ExistingDbContext<TContext>().");

        _registerDbContext(services);
        var loader = new SagaLoader<TSaga>(ConcurrencyMode, IsolationLevel);
        services.AddSingleton(loader);
    }
}
