using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Resolves the application's DbContext from the message's service scope when there is one (the outbox filter
/// resolved the same instance, so both work in one transaction); otherwise from a scope of its own.
/// </summary>
public sealed class ContainerSagaDbContextFactory<TContext, TSaga>(IServiceScopeFactory scopes) : ISagaDbContextFactory<TSaga>
    where TContext : DbContext
    where TSaga : class, ISaga
{
    private readonly Dictionary<DbContext, AsyncServiceScope> _owned = new();

    public DbContext CreateScoped<T>(ConsumeContext<T> context)
        where T : class
    {
        if (context.TryGetPayload(out IServiceScope? scope))
            return scope.ServiceProvider.GetRequiredService<TContext>();
        if (context.TryGetPayload(out IServiceProvider? provider))
            return provider.GetRequiredService<TContext>();
        return Create();
    }

    public DbContext Create()
    {
        var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        lock (_owned)
            _owned[db] = scope;
        return db;
    }

    public async ValueTask ReleaseAsync(DbContext db)
    {
        AsyncServiceScope scope;
        lock (_owned)
        {
            if (!_owned.Remove(db, out scope))
                return;
        }

        await scope.DisposeAsync();
    }
}
