using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.Persistence.Replays;

namespace Pipeline.Api.Replays;

/// <summary>
/// Starts a replay: re-publishes the archived requests of a window as new requests carrying the replay id, with no
/// caller, in one transaction with the replay's row (the bus outbox), so a replay is either wholly started or not at all.
/// </summary>
internal sealed class ReplayLauncher(PipelineDbContext db, IPublishEndpoint publish, TimeProvider time)
{
    public async Task<Replay> StartAsync(ReplayRequest request, CancellationToken cancellationToken)
    {
        var archived = await db.Set<ArchivedChatRequest>().AsNoTracking()
            .Where(a => a.RequestedAt >= request.From && a.RequestedAt < request.To)
            .OrderBy(a => a.RequestedAt)
            .Take(request.Limit)
            .ToListAsync(cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var replay = new Replay
        {
            Id = NewId.NextGuid(),
            From = request.From,
            To = request.To,
            FlagName = request.Flag,
            Total = archived.Count,
            CreatedAt = now,
            CreatedBy = request.RequestedBy,
        };
        db.Add(replay);
        foreach (var original in archived)
        {
            // A new request id: the original's saga is finished and must stay as it was.
            await publish.Publish(new ChatRequested(
                NewId.NextGuid(), original.ConversationId, original.Message, original.WebSearchEnabled, original.UserId,
                original.UserGroup, original.BucketingKey, null, now, replay.Id), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return replay;
    }
}
