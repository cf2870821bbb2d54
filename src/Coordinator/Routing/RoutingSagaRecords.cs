using System.Text.Json;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.Answering.Serving;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Flags;

namespace Pipeline.Coordinator.Routing;

/// <summary>The routing saga's writes on the scoped <see cref="PipelineDbContext"/>, the one its repository loaded the saga row with.</summary>
internal sealed class RoutingSagaRecords(PipelineDbContext db) : IRoutingSagaRecords
{
    private const string SagaActor = "routing-saga";
    public Task<bool> TryAbandonAttemptAsync(Guid requestId, int attempt, DateTime at, CancellationToken cancellationToken) =>
        ServingClaims.TryAbandonAsync(db, requestId, attempt, at, cancellationToken);

    public void RecordFallback(string flagName, Guid requestId, int fallbackAttempt, ChatPipeline abandoned, string reason, DateTime at) =>
        db.Add(new FeatureFlagEvent
        {
            Id = NewId.NextGuid(),
            FlagName = flagName,
            At = at,
            Type = FlagEventTypes.Failure,
            Actor = SagaActor,
            Reason = reason,
            After = JsonSerializer.Serialize(new { requestId, fallbackAttempt, pipeline = abandoned.ToString().ToLowerInvariant() }, PipelineJson.Options),
        });

    public void RecordFailure(Guid requestId, int attempt, int status, string title, DateTime at) =>
        db.Add(ChatRequestOutcome.Failed(requestId, attempt, status, title, at));
}
