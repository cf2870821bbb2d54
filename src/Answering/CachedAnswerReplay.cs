using Pipeline.Contracts;

namespace Pipeline.Answering;

/// <summary>Streams a cached answer to the caller the way a fresh one is streamed, and marks it cached.</summary>
public static class CachedAnswerReplay
{
    public static async Task<ChatAnswer> ReplayAsync(ChatAnswer cached, int wordsPerPiece, long durationMs, Func<string, CancellationToken, Task> onPiece, CancellationToken cancellationToken)
    {
        var words = cached.Text.Split(' ');
        for (var i = 0; i < words.Length; i += wordsPerPiece)
        {
            var piece = string.Join(' ', words.Skip(i).Take(wordsPerPiece));
            await onPiece(i + wordsPerPiece < words.Length ? piece + " " : piece, cancellationToken);
        }

        return cached with { Cached = true, DurationMs = durationMs, Usage = new ChatUsage(0, 0, 0m) };
    }
}
