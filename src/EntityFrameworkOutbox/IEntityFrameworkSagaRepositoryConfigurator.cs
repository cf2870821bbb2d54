using System.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Settings of an EF Core saga repository, named as in MassTransit.EntityFrameworkCore's configurator.</summary>
public interface IEntityFrameworkSagaRepositoryConfigurator<TSaga>
    where TSaga : class, ISaga
{
    /// <summary>Optimistic (default) needs a row version on the saga (xmin, see <see cref="SagaClassMap{TSaga}"/>); Pessimistic locks the row with <c>FOR UPDATE</c>.</summary>
    ConcurrencyMode ConcurrencyMode { set; }

    /// <summary>ReadCommitted by default: with row versions or row locks it is enough, and stricter levels add serialization failures.</summary>
    IsolationLevel IsolationLevel { set; }

    /// <summary>
    /// How many times a message that lost a race for its instance is run again when the repository owns the
    /// transaction (not behind the consumer outbox). Not in MassTransit's configurator, which leaves it to the endpoint's retry.
    /// </summary>
    int ConflictRetryLimit { set; }

    /// <summary>Use the application's registered DbContext (which maps the saga and the outbox tables).</summary>
    void ExistingDbContext<TContext>()
        where TContext : DbContext;
}
