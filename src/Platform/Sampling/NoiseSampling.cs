namespace Pipeline.Platform.Sampling;

/// <summary>Picks a stable share of requests (noise-floor samples, injected faults): derived from the request id, so a redelivery decides the same.</summary>
public static class NoiseSampling
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    public static bool Includes(Guid requestId, double rate)
    {
        if (rate <= 0)
            return false;
        if (rate >= 1)
            return true;

        // FNV-1a over all bytes: request ids are sequential (NewId), so no single byte range is uniform on its own.
        Span<byte> bytes = stackalloc byte[16];
        requestId.TryWriteBytes(bytes);
        var hash = FnvOffset;
        foreach (var b in bytes)
            hash = (hash ^ b) * FnvPrime;
        return hash / (double)uint.MaxValue < rate;
    }
}
