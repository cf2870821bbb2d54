using Microsoft.EntityFrameworkCore;
using Pipeline.Persistence;
using Pipeline.Persistence.Conversations;

namespace Pipeline.Answering.Conversations;

/// <summary>What became of a request to continue or start a conversation.</summary>
public enum ConversationClaim
{
    /// <summary>The conversation is the caller's (new, or started by the same identity).</summary>
    Owned,

    /// <summary>Another identity started it; the caller must not learn more than that it does not exist for them.</summary>
    NotFound,
}

/// <summary>Starts conversations and checks that a caller may continue one.</summary>
public sealed class ConversationOwnership(PipelineDbContext db, TimeProvider time)
{
    /// <summary>
    /// Starts a conversation under an id nobody can hold yet (drawn by the server, not named by the caller): its row is
    /// added to the unit of work and saved with the request's own rows, where a claim would cost a round trip of its own.
    /// </summary>
    public void Start(Guid conversationId, string owner) =>
        db.Add(new Conversation { Id = conversationId, Owner = owner, CreatedAt = time.GetUtcNow().UtcDateTime });

    /// <summary>
    /// Claims <paramref name="conversationId"/> for <paramref name="owner"/> if nobody holds it yet, in its own statement
    /// (two first requests racing agree on one owner), and says whether the caller may write to it.
    /// </summary>
    public async Task<ConversationClaim> ClaimAsync(Guid conversationId, string owner, CancellationToken cancellationToken)
    {
        // The claim and the holder in one round trip (it is on every request's way to the bus): the insert's own row
        // if it claimed, else the holder's. Not composed further: a data-modifying WITH must stay at the top level.
        var holders = await db.Database.SqlQuery<string>($"""
            WITH claimed AS (
                INSERT INTO conversations (id, owner, created_at) VALUES ({conversationId}, {owner}, {time.GetUtcNow().UtcDateTime})
                ON CONFLICT (id) DO NOTHING RETURNING owner)
            SELECT owner AS "Value" FROM claimed
            UNION ALL
            SELECT owner FROM conversations WHERE id = {conversationId}
            """).ToListAsync(cancellationToken);
        // The statement reads the table as it was when it began, so a rival's claim that committed while the insert
        // waited on it is in neither half: read it again.
        var holder = holders.Count > 0
            ? holders[0]
            : await db.Set<Conversation>().AsNoTracking().Where(c => c.Id == conversationId).Select(c => c.Owner).SingleAsync(cancellationToken);
        return string.Equals(holder, owner, StringComparison.Ordinal) ? ConversationClaim.Owned : ConversationClaim.NotFound;
    }
}
