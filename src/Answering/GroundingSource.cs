namespace Pipeline.Answering;

/// <summary>A passage an answer may cite, numbered as it appears in the prompt (<c>[Number]</c>).</summary>
internal sealed record GroundingSource(int Number, string SourceId, string Title, string Text);
