using MassTransit;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>
/// The tally endpoint. Without the consumer outbox it has no retry of its own, so only the repository's conflict
/// retry stands between concurrent messages and lost updates; behind the outbox the endpoint's retry handles conflicts.
/// </summary>
public sealed class TallyStateDefinition : SagaDefinition<TallyState>
{
    private readonly TallySetup _setup;
    private readonly TallyProbe _probe;

    public TallyStateDefinition(TallySetup setup, TallyProbe probe)
    {
        _setup = setup;
        _probe = probe;
        EndpointName = setup.EndpointName;
        ConcurrentMessageLimit = setup.ConcurrentMessageLimit;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<TallyState> sagaConfigurator,
        IRegistrationContext context)
    {
        if (!_setup.ConsumerOutbox)
            return;

        endpointConfigurator.UseMessageRetry(r => r.Intervals(10, 20, 40, 80, 100, 100, 200, 200, 400, 400, 500, 500, 500, 500, 500));
        endpointConfigurator.UseEntityFrameworkOutbox<SagaTestDbContext>(context);
        endpointConfigurator.ConnectSagaConfigurationObserver(new FailAfterSagaObserver(_probe));
    }
}
