using System.ComponentModel.DataAnnotations;

namespace Pipeline.Api.Limits;

/// <summary>Size and rate limits of every request (<c>Limits:*</c>), enforced before any handler runs.</summary>
internal sealed class RequestLimitOptions
{
    public const string SectionName = "Limits";

    /// <summary>Largest request body Kestrel accepts on any route (413 above it); routes may lower it (chat does).</summary>
    [Range(1024, 100_000_000)] public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest total size of a request's headers (431 above it).</summary>
    [Range(1024, 1_000_000)] public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>Most headers a request may carry (431 above it).</summary>
    [Range(8, 1_000)] public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Longest request line (method, target, version) (414 above it).</summary>
    [Range(256, 100_000)] public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// Chat requests (POST /api/chat and the hub's <c>Chat</c>) one caller may start per window. Generous by default:
    /// benchmarks and load tests run many anonymous closed-loop clients from one address, which share a partition.
    /// </summary>
    [Range(1, 1_000_000)] public int ChatPermitLimit { get; set; } = 1_200;

    /// <summary>
    /// Chat requests all anonymous callers from one address may start per window together, whatever <c>X-User-Id</c>
    /// they declare: a declared id is not proof, so rotating it must not multiply an address's budget. At least
    /// <see cref="ChatPermitLimit"/>. Callers with a key are bounded by their key's budget alone.
    /// </summary>
    [Range(1, 10_000_000)] public int ChatPermitLimitPerAddress { get; set; } = 4_800;

    /// <summary>The fixed window the chat permit limits count over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan ChatWindow { get; set; } = TimeSpan.FromSeconds(10);
}
