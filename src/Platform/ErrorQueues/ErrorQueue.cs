namespace Pipeline.Platform.ErrorQueues;

/// <summary>A queue where a consumer's failed messages land after their retries, and the queue they came from.</summary>
public sealed record ErrorQueue(string Name, string SourceQueue, long Messages);
