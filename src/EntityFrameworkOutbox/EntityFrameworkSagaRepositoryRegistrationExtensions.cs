using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary><c>EntityFrameworkRepository</c> for a saga registration, as in MassTransit.EntityFrameworkCore.</summary>
public static class EntityFrameworkSagaRepositoryRegistrationExtensions
{
    public static ISagaRegistrationConfigurator<TSaga> EntityFrameworkRepository<TSaga>(
        this ISagaRegistrationConfigurator<TSaga> configurator,
        Action<IEntityFrameworkSagaRepositoryConfigurator<TSaga>> configure)
        where TSaga : class, ISaga
    {
        var repository = new EntityFrameworkSagaRepositoryConfigurator<TSaga>();
        configure(repository);
        repository.Validate();
        configurator.Repository(registration =>
        {
            repository.Register(registration);
            registration.RegisterSagaRepository<TSaga, DbContext, SagaConsumeContextFactory<DbContext, TSaga>,
                EntityFrameworkSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
