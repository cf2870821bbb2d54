using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>
/// Throws after the saga has run and saved, still inside the consumer outbox: the saga's change must roll back with
/// the message when the repository really joined the outbox's transaction.
/// </summary>
public sealed class FailAfterSagaFilter<TMessage>(TallyProbe probe) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        await next.Send(context);
        if (context.Message is AddToTally { FailAfterSaga: true })
        {
            probe.Failed();
            throw new InvalidOperationException("failing on purpose after the saga saved");
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("failAfterSaga");
}
