using Pipeline.Contracts;

namespace Pipeline.Answering;

/// <summary>A source with the text the generator may quote from it.</summary>
/// <param name="Regulation">The regulation of the passage's document (<c>GDPR</c>, …); null for web pages.</param>
public sealed record RetrievedPassage(ChatSource Source, string Text, string? Regulation = null);
