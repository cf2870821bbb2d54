using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Infrastructure.Routing;

/// <summary>
/// Raises <see cref="ChatDeadlinePassed"/> for overdue requests. The broker has no delayed-message exchange, so
/// deadlines live in the saga rows and a sweeper claims them (<c>FOR UPDATE SKIP LOCKED</c>, so several sweepers
/// never signal the same row) and publishes through the outbox in the same transaction.
/// </summary>
public sealed partial class ChatDeadlineSweeper(
    IServiceScopeFactory scopes,
    IOptions<RoutingOptions> options,
    TimeProvider time,
    ILogger<ChatDeadlineSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                int signalled;
                do
                {
                    signalled = await SweepOnceAsync(stoppingToken);
                }
                while (signalled == options.Value.SweepBatchSize);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(ex);
            }
        }
    }

    /// <summary>Claims and signals one batch of overdue requests; returns how many.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        var now = time.GetUtcNow().UtcDateTime;

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
        var entity = db.Model.FindEntityType(typeof(ChatRoutingState))!;
        var table = entity.GetSchemaQualifiedTableName();
        string Column(string property) => entity.FindProperty(property)!.GetColumnName();
        var id = Column(nameof(ChatRoutingState.CorrelationId));
        var deadline = Column(nameof(ChatRoutingState.DeadlineAt));
        var signalled = Column(nameof(ChatRoutingState.DeadlineSignalledAt));
        return $$"""
            UPDATE "{{table}}" SET "{{signalled}}" = {0}
            WHERE "{{id}}" IN (
                SELECT "{{id}}" FROM "{{table}}"
                WHERE "{{deadline}}" <= {0} AND "{{signalled}}" IS NULL
                ORDER BY "{{deadline}}"
                LIMIT {1}
                FOR UPDATE SKIP LOCKED)
            RETURNING "{{id}}", "{{deadline}}"
            """;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signalled {Count} overdue chat requests")]
    private partial void LogSignalled(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deadline sweep failed; retrying on the next tick")]
    private partial void LogSweepFailed(Exception exception);

    /// <summary>One claimed row.</summary>
    private sealed record OverdueRequest(Guid CorrelationId, DateTime DeadlineAt);
}
