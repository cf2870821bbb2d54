namespace Pipeline.Answering.Execution;

/// <summary>
/// How many answer pieces each streamed token message carries: 1, 2, 4, ... up to a limit. The first message goes out
/// with the first piece, so the caller's first token is not delayed; later pieces share messages, because one bus
/// message per piece (a send, a broker confirm, a routed delivery and a consume at the API) was most of a request's bus
/// traffic. The sizes depend only on the position, so a redelivered execution that writes the same answer produces
/// the same messages with the same sequence numbers, which the receiver de-duplicates.
/// </summary>
public sealed class TokenBatchSizes(int limit)
{
    private int _next = 1;

    /// <summary>Pieces the next message carries.</summary>
    public int Next()
    {
        var size = _next;
        _next = Math.Min(_next * 2, limit);
        return size;
    }
}
