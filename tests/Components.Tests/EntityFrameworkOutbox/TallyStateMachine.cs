using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>Opens on <see cref="OpenTally"/> (inserted on the initial message, so duplicates exercise insert-then-load) and counts additions.</summary>
public sealed class TallyStateMachine : MassTransitStateMachine<TallyState>
{
    public TallyStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Opened, e =>
        {
            e.CorrelateById(c => c.Message.TallyId);
            e.InsertOnInitial = true;
            e.SetSagaFactory(c => new TallyState { CorrelationId = c.Message.TallyId });
        });
        Event(() => Added, e => e.CorrelateById(c => c.Message.TallyId));

        Initially(When(Opened).Then(c => c.Saga.Opened++).TransitionTo(Open));
        During(Open,
            When(Opened).Then(c => c.Saga.Opened++),
            When(Added)
                .Then(c => c.Saga.Count++)
                .Publish(c => new TallyChanged(c.Saga.CorrelationId, c.Saga.Count)));
    }

    public State Open { get; private set; } = null!;
    public Event<OpenTally> Opened { get; private set; } = null!;
    public Event<AddToTally> Added { get; private set; } = null!;
}
