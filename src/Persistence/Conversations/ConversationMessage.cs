namespace Pipeline.Persistence.Conversations;

/// <summary>One turn of a conversation as the user saw it (<c>conversation_messages</c>).</summary>
public sealed class ConversationMessage
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Guid RequestId { get; set; }

    /// <summary><c>user</c> or <c>assistant</c>.</summary>
    public string Role { get; set; } = "";
    public string Content { get; set; } = "";

    /// <summary>The pipeline that wrote the answer; null for the user's turn.</summary>
    public string? Pipeline { get; set; }
    public DateTime CreatedAt { get; set; }
}
