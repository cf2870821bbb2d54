namespace Pipeline.Api.Chat;

/// <summary>The body of <c>POST /api/chat</c> and the argument of the hub's <c>Chat</c> method.</summary>
public sealed record ChatRequestBody(string? Message, Guid? ConversationId, bool WebSearchEnabled = false);
