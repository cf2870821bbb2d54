using Pipeline.Answering.Conversations;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Answering.Conversations;

/// <summary>Claiming a conversation in one statement, on the real database, including a rival's claim in flight.</summary>
public sealed class ConversationOwnershipClaimTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>
{
    [Fact]
    public async Task The_first_caller_owns_a_new_conversation_and_another_caller_then_finds_it_held()
    {
        var conversation = Guid.NewGuid();
        await using var db = infrastructure.CreateDbContext();
        var ownership = new ConversationOwnership(db, TimeProvider.System);

        Assert.Equal(ConversationClaim.Owned, await ownership.ClaimAsync(conversation, "alice", CancellationToken.None));
        Assert.Equal(ConversationClaim.Owned, await ownership.ClaimAsync(conversation, "alice", CancellationToken.None));
        Assert.Equal(ConversationClaim.NotFound, await ownership.ClaimAsync(conversation, "mallory", CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_that_waited_on_a_rivals_uncommitted_claim_finds_the_rival_the_owner_once_it_commits()
    {
        var conversation = Guid.NewGuid();
        await using var rivalDb = infrastructure.CreateDbContext();
        await using var callerDb = infrastructure.CreateDbContext();
        await using var rivalTransaction = await rivalDb.Database.BeginTransactionAsync();
        Assert.Equal(ConversationClaim.Owned, await new ConversationOwnership(rivalDb, TimeProvider.System).ClaimAsync(conversation, "rival", CancellationToken.None));

        // The caller's insert waits on the rival's row; the rival commits while it waits (the order does not matter to
        // the outcome: committed first, the caller simply finds the row).
        var claim = new ConversationOwnership(callerDb, TimeProvider.System).ClaimAsync(conversation, "caller", CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await rivalTransaction.CommitAsync();

        Assert.Equal(ConversationClaim.NotFound, await claim);
    }
}
