using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>Records what the tally saga published once it reached the broker.</summary>
public sealed class TallyChangedConsumer(TallyProbe probe) : IConsumer<TallyChanged>
{
    public Task Consume(ConsumeContext<TallyChanged> context)
    {
        probe.Changed(context.Message);
        return Task.CompletedTask;
    }
}
