using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A test saga that counts what it was told: a lost update shows as a count below the messages sent.</summary>
public sealed class TallyState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";

    /// <summary>PostgreSQL's xmin, mapped by <see cref="Pipeline.EntityFrameworkOutbox.SagaClassMap{TSaga}"/>.</summary>
    public uint Version { get; set; }

    public int Opened { get; set; }
    public int Count { get; set; }
}
