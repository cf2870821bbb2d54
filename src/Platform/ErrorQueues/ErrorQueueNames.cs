namespace Pipeline.Platform.ErrorQueues;

/// <summary>MassTransit's naming: the faults of queue <c>q</c> go to <c>q_error</c>.</summary>
public static class ErrorQueueNames
{
    public const string Suffix = "_error";

    public static bool IsErrorQueue(string name) => name.Length > Suffix.Length && name.EndsWith(Suffix, StringComparison.Ordinal);

    public static string SourceOf(string errorQueue) => errorQueue[..^Suffix.Length];
}
