using System.Text.Json.Serialization;

namespace Pipeline.Api.Chat;

/// <summary>One event of a chat stream (docs/api.md §1), serialised with its <c>type</c> first.</summary>
/// <remarks>
/// <c>type</c> is an ordinary property rather than a polymorphic discriminator because SignalR serialises stream
/// items by their runtime type, which would drop a discriminator.
/// </remarks>
public abstract record ChatEvent(Guid RequestId)
{
    /// <summary>The event's kind; also the SSE event name.</summary>
    [JsonPropertyOrder(-1)]
    public abstract string Type { get; }
}

/// <summary>Routing is decided: which pipeline's answer the caller will see.</summary>
public sealed record RoutedEvent(Guid RequestId, Guid ConversationId, string PoweredBy, string Mode) : ChatEvent(RequestId)
{
    [JsonPropertyOrder(-1)]
    public override string Type => "routed";
}

/// <summary>A piece of the answer.</summary>
public sealed record TokenEvent(Guid RequestId, string Text) : ChatEvent(RequestId)
{
    [JsonPropertyOrder(-1)]
    public override string Type => "token";
}

/// <summary>Discard the tokens so far: a fallback answer follows.</summary>
public sealed record ResetEvent(Guid RequestId, string Reason) : ChatEvent(RequestId)
{
    [JsonPropertyOrder(-1)]
    public override string Type => "reset";
}

/// <summary>The final answer.</summary>
public sealed record DoneEvent(Guid RequestId, [property: JsonPropertyName("result")] ChatResult Answer) : ChatEvent(RequestId)
{
    [JsonPropertyOrder(-1)]
    public override string Type => "done";
}

/// <summary>The request ended without an answer.</summary>
public sealed record ErrorEvent(Guid RequestId, int Status, string Title) : ChatEvent(RequestId)
{
    [JsonPropertyOrder(-1)]
    public override string Type => "error";
}
