namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// The PostgreSQL advisory lock that stands for one inbox row (message id, consumer id) while its outbox is delivered
/// from memory after the consume step's commit, when the row lock has gone with that transaction: a redelivered
/// duplicate waits for it before it locks the row, so the captured messages still go out from one place only.
/// </summary>
internal readonly record struct InboxClaim(int Space, int Key)
{
    /// <summary>Arbitrary but fixed: the inbox claims' class among the database's two-key advisory locks.</summary>
    private const int ClaimSpace = 0x1B0C5;

    private const uint FnvOffsetBasis = 2166136261;
    private const uint FnvPrime = 16777619;

    public static InboxClaim For(Guid messageId, Guid consumerId)
    {
        // Every process must derive the same key (HashCode is seeded per process), so FNV-1a over both ids. Folding
        // them to 32 bits can collide; a collision only makes one delivery wait for another.
        Span<byte> bytes = stackalloc byte[32];
        messageId.TryWriteBytes(bytes[..16]);
        consumerId.TryWriteBytes(bytes[16..]);
        var hash = FnvOffsetBasis;
        foreach (var b in bytes)
            hash = (hash ^ b) * FnvPrime;
        return new InboxClaim(ClaimSpace, unchecked((int)hash));
    }
}
