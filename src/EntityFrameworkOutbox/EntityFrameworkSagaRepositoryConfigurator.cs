using System.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Collects and validates the saga repository's settings, then registers its services.</summary>
public sealed class EntityFrameworkSagaRepositoryConfigurator<TSaga> : IEntityFrameworkSagaRepositoryConfigurator<TSaga>
    where TSaga : class, ISaga
{
    private Action<IServiceCollection>? _registerDbContext;

    public ConcurrencyMode ConcurrencyMode { get; set; } = ConcurrencyMode.Optimistic;

    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadCommitted;

    public int ConflictRetryLimit { get; set; } = 20;

    public void ExistingDbContext<TContext>()
        where TContext : DbContext =>
        _registerDbContext = services => services.AddScoped<ISagaDbContextFactory<TSaga>, ContainerSagaDbContextFactory<TContext, TSaga>>();

    internal void Register(IServiceCollection services)
    {
        _registerDbContext!(services);
        services.AddSingleton(new SagaLoader<TSaga>(ConcurrencyMode, IsolationLevel));
        var limit = ConflictRetryLimit;
        services.AddSingleton(sp => new SagaConflictRetry<TSaga>(limit, sp.GetRequiredService<ILogger<SagaConflictRetry<TSaga>>>()));
    }

    /// <summary>Fails the host's composition, not the first message, on a wrong setting.</summary>
    internal void Validate()
    {
        if (_registerDbContext is null)
            throw new InvalidOperationException($"The saga repository for {typeof(TSaga).Name} needs a DbContext: call ExistingDbContext<TContext>().");
        if (ConflictRetryLimit < 0)
            throw new ArgumentOutOfRangeException(nameof(ConflictRetryLimit), ConflictRetryLimit, "The conflict retry limit cannot be negative.");
        if (IsolationLevel is IsolationLevel.Unspecified or IsolationLevel.Chaos)
            throw new ArgumentOutOfRangeException(nameof(IsolationLevel), IsolationLevel, "PostgreSQL needs a concrete isolation level.");
    }
}
