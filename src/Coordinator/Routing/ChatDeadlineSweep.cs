using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Platform.Hosting;
using Pipeline.Persistence;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Coordinator.Routing;

/// <summary>
/// Raises <see cref="ChatDeadlinePassed"/> for overdue requests. The broker has no delayed-message exchange, so
/// deadlines live in the saga rows and a sweep claims them (<c>FOR UPDATE SKIP LOCKED</c>, so several sweeping hosts
/// never signal the same row) and publishes through the outbox in the same transaction.
/// </summary>
internal sealed partial class ChatDeadlineSweep(
    PipelineDbContext db,
    IPublishEndpoint publish,
    IOptions<RoutingOptions> options,
    TimeProvider time,
    ILogger<ChatDeadlineSweep> logger) : IPeriodicJob
{
    /// <summary>Signals every overdue request, one batch per transaction, until a batch comes back short.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        int signalled;
        do
        {
            signalled = await SweepOnceAsync(cancellationToken);
        }
        while (signalled == options.Value.SweepBatchSize);
    }

    /// <summary>Claims and signals one batch of overdue requests; returns how many.</summary>
    private async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;

        // The batches of a run share its context and publish endpoint: the scoped bus outbox starts a new outbox
        // for each committed transaction.
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var overdue = await db.Database
                .SqlQueryRaw<OverdueRequest>(ClaimSql(db), now, options.Value.SweepBatchSize)
                .ToListAsync(ct);
            foreach (var request in overdue)
                await publish.Publish(new ChatDeadlinePassed(request.CorrelationId, request.DeadlineAt), ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            if (overdue.Count > 0)
                LogSignalled(overdue.Count);
            return overdue.Count;
        }, cancellationToken);
    }

    private static string ClaimSql(PipelineDbContext db)
    {
        var names = StoreNames.Of<ChatRoutingState>(db);
        var table = names.Table;
        var id = names.Column(nameof(ChatRoutingState.CorrelationId));
        var deadline = names.Column(nameof(ChatRoutingState.DeadlineAt));
        var signalled = names.Column(nameof(ChatRoutingState.DeadlineSignalledAt));
        return $$"""
            UPDATE {{table}} SET {{signalled}} = {0}
            WHERE {{id}} IN (
                SELECT {{id}} FROM {{table}}
                WHERE {{deadline}} <= {0} AND {{signalled}} IS NULL
                ORDER BY {{deadline}}
                LIMIT {1}
                FOR UPDATE SKIP LOCKED)
            RETURNING {{id}}, {{deadline}}
            """;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signalled {Count} overdue chat requests")]
    private partial void LogSignalled(int count);

    /// <summary>One claimed row.</summary>
    private sealed record OverdueRequest(Guid CorrelationId, DateTime DeadlineAt);
}
