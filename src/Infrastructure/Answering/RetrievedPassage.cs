using Pipeline.Contracts;

namespace Pipeline.Infrastructure.Answering;

/// <summary>A source with the text the generator may quote from it.</summary>
public sealed record RetrievedPassage(ChatSource Source, string Text);
