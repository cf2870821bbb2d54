
namespace Pipeline.Answering.Conversations;

/// <summary>What a prompt carries of the conversation so far: a summary of older turns and the latest turns verbatim.</summary>
public sealed record ConversationContext(string? Summary, IReadOnlyList<ConversationTurn> RecentTurns)
{
    public static readonly ConversationContext None = new(null, []);
}

/// <summary>One earlier turn.</summary>
public sealed record ConversationTurn(string Role, string Content);
