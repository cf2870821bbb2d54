namespace Pipeline.Api.Chat;

/// <summary>The body of <c>POST /api/chat</c> and the argument of the hub's <c>Chat</c> method.</summary>
/// <param name="RequestId">
/// Optional, chosen by the caller: it then knows the id before any byte of the answer, so if its connection or the API
/// instance dies it can fetch the answer at <c>GET /api/chat/{requestId}</c> from any instance.
/// </param>
public sealed record ChatRequestBody(string? Message, Guid? ConversationId, bool WebSearchEnabled = false, Guid? RequestId = null);
