using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Provides the DbContext a saga message is processed with: the message scope's own, so it shares the outbox's transaction.</summary>
public interface ISagaDbContextFactory<TSaga>
    where TSaga : class, ISaga
{
    DbContext CreateScoped<T>(ConsumeContext<T> context)
        where T : class;

    DbContext Create();

    ValueTask ReleaseAsync(DbContext db);
}
