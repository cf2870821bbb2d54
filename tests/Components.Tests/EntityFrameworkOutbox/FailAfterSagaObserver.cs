using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>
/// Adds <see cref="FailAfterSagaFilter{TMessage}"/> to the saga's message pipes. Connected after the outbox's own
/// observer, so the filter sits inside the outbox filter and outside the saga repository.
/// </summary>
public sealed class FailAfterSagaObserver(TallyProbe probe) : ISagaConfigurationObserver
{
    public void SagaConfigured<TSaga>(ISagaConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
    }

    public void StateMachineSagaConfigured<TInstance>(ISagaConfigurator<TInstance> configurator, SagaStateMachine<TInstance> stateMachine)
        where TInstance : class, ISaga, SagaStateMachineInstance
    {
    }

    public void SagaMessageConfigured<TSaga, TMessage>(ISagaMessageConfigurator<TSaga, TMessage> configurator)
        where TSaga : class, ISaga
        where TMessage : class =>
        configurator.Message(m => m.UseFilter(new FailAfterSagaFilter<TMessage>(probe)));
}
