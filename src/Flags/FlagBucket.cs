using System.Buffers;
using System.Text;

namespace Pipeline.Flags;

/// <summary>
/// A context's sticky bucket for a flag: murmur3 of <c>flag:key</c> mapped to [0, 100) with two decimals. The same
/// (flag, key) always lands in the same bucket, so raising the percentage only adds users (1 % ⊂ 10 % ⊂ 50 %).
/// </summary>
public static class FlagBucket
{
    private const int Buckets = 10_000;
    private const double Scale = 100.0;
    private const int StackLimit = 512;

    public static double Of(string flagName, string key)
    {
        var length = flagName.Length + 1 + key.Length;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var written = Encoding.UTF8.GetBytes(flagName, buffer);
            buffer[written++] = (byte)':';
            written += Encoding.UTF8.GetBytes(key, buffer[written..]);
            var hash = MurmurHash3.Hash32(buffer[..written]);
            return hash % Buckets / Scale;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
