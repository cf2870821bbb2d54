using Pipeline.Contracts;

namespace Pipeline.Coordinator.Routing;

/// <summary>
/// The routing saga's own database work, resolved from the message's scope so that it shares the saga repository's
/// DbContext and transaction: what it writes commits or rolls back with the saga row.
/// </summary>
internal interface IRoutingSagaRecords
{
    /// <summary>Claims the served attempt as abandoned; false when its worker served it first (see <see cref="Answering.Serving.ServingClaims"/>).</summary>
    Task<bool> TryAbandonAttemptAsync(Guid requestId, int attempt, DateTime at, CancellationToken cancellationToken);

    /// <summary>Adds a fallback to the routing flag's audit trail; it is saved with the saga row.</summary>
    void RecordFallback(string flagName, Guid requestId, int fallbackAttempt, ChatPipeline abandoned, string reason, DateTime at);

    /// <summary>Keeps the failure the caller is sent, so it can be fetched by request id; it is saved with the saga row.</summary>
    void RecordFailure(Guid requestId, int attempt, int status, string title, DateTime at);
}
