using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Flags;

/// <summary>Reloads this process's snapshot when any flag changes; bound to a per-process queue so every process hears every change.</summary>
public sealed class FlagChangedConsumer(FlagSnapshotStore store) : IConsumer<FlagChanged>
{
    public Task Consume(ConsumeContext<FlagChanged> context) => store.RefreshAsync(context.CancellationToken);
}
