using Microsoft.EntityFrameworkCore;
using Pipeline.Answering.Conversations;
using Pipeline.Persistence;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Requests;

namespace Pipeline.Api.Chat;

/// <summary>Where a caller's request stands, as that caller may see it.</summary>
internal abstract record ChatRequestStanding;

/// <summary>No such request for this caller: unknown, or another identity's (the caller must not tell which).</summary>
internal sealed record ChatRequestUnknown : ChatRequestStanding;

/// <summary>Accepted and not yet answered or failed.</summary>
internal sealed record ChatRequestRunning(Guid RequestId) : ChatRequestStanding;

/// <summary>Ended: its outcome and when it was accepted (for the answer's latency).</summary>
internal sealed record ChatRequestEnded(ArchivedChatRequest Request, ChatRequestOutcome Outcome) : ChatRequestStanding;

/// <summary>
/// Finds a request for its caller. A request belongs to whoever owns its conversation: the API claims the
/// conversation for the caller's identity before it accepts the request, so the two owners are one.
/// </summary>
internal sealed class ChatRequestLookup(PipelineDbContext db)
{
    public async Task<ChatRequestStanding> FindAsync(Guid requestId, string owner, CancellationToken cancellationToken)
    {
        var request = await (
                from r in db.Set<ArchivedChatRequest>().AsNoTracking()
                join c in db.Set<Conversation>().AsNoTracking() on r.ConversationId equals c.Id
                where r.RequestId == requestId && c.Owner == owner
                select r)
            .SingleOrDefaultAsync(cancellationToken);
        if (request is null)
            return new ChatRequestUnknown();

        var outcome = await db.Set<ChatRequestOutcome>().AsNoTracking().SingleOrDefaultAsync(o => o.RequestId == requestId, cancellationToken);
        return outcome is null ? new ChatRequestRunning(requestId) : new ChatRequestEnded(request, outcome);
    }
}
