namespace Pipeline.Persistence.Requests;

/// <summary>Every accepted chat request, kept so operators can replay traffic and nothing accepted is lost.</summary>
public sealed class ArchivedChatRequest
{
    public Guid RequestId { get; set; }
    public Guid ConversationId { get; set; }
    public string Message { get; set; } = "";
    public bool WebSearchEnabled { get; set; }
    public string? UserId { get; set; }
    public string? UserGroup { get; set; }
    public string BucketingKey { get; set; } = "";
    public DateTime RequestedAt { get; set; }
}
