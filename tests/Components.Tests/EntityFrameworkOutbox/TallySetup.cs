using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>How one test's tally endpoint is composed; the endpoint name is new per test so earlier hosts' queues never interfere.</summary>
public sealed record TallySetup(ConcurrencyMode Mode, bool ConsumerOutbox, int? ConflictRetryLimit = null)
{
    public string EndpointName { get; } = $"tally-{Guid.NewGuid():N}";

    /// <summary>High enough that messages for one instance really run at the same time.</summary>
    public int ConcurrentMessageLimit { get; init; } = 16;

    /// <summary>When set, records what the host's DbContexts send.</summary>
    public StatementLog? Statements { get; init; }
}
