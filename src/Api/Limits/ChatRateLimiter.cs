using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Limits;

/// <summary>
/// One fixed-window budget per caller (<see cref="CallerPartition"/>), and for anonymous callers a second one per
/// address, shared by POST /api/chat (through the rate-limiting middleware) and the hub's <c>Chat</c> (through
/// the chat hub's filter), so switching transport buys no extra permits and neither does rotating
/// <c>X-User-Id</c>. Endpoints without <see cref="ChatRateLimitMetadata"/> are not limited.
/// </summary>
internal sealed class ChatRateLimiter : IDisposable
{
    private const string Unlimited = "";
    private readonly PartitionedRateLimiter<string> _byCaller;
    private readonly PartitionedRateLimiter<string> _byAddress;
    private readonly PartitionedRateLimiter<HttpContext> _forHub;

    public ChatRateLimiter(IOptions<RequestLimitOptions> options)
    {
        var limits = options.Value;
        _byCaller = FixedWindows(limits.ChatPermitLimit, limits.ChatWindow);
        _byAddress = FixedWindows(limits.ChatPermitLimitPerAddress, limits.ChatWindow);
        ForRequests = PartitionedRateLimiter.CreateChained(
            _byCaller.WithTranslatedKey<HttpContext>(http => IsChat(http) ? CallerPartition.Of(http) : Unlimited, leaveOpen: true),
            _byAddress.WithTranslatedKey<HttpContext>(http => IsChat(http) ? CallerPartition.AnonymousAddressOf(http) : Unlimited, leaveOpen: true));
        _forHub = PartitionedRateLimiter.CreateChained(
            _byCaller.WithTranslatedKey<HttpContext>(CallerPartition.Of, leaveOpen: true),
            _byAddress.WithTranslatedKey<HttpContext>(CallerPartition.AnonymousAddressOf, leaveOpen: true));
    }

    /// <summary>The middleware's global limiter: chat endpoints spend the caller's permits, others pass.</summary>
    public PartitionedRateLimiter<HttpContext> ForRequests { get; }

    /// <summary>A permit for one hub invocation, charged to the caller who opened the connection.</summary>
    public RateLimitLease AcquireForHub(HttpContext connection) => _forHub.AttemptAcquire(connection);

    public void Dispose()
    {
        ForRequests.Dispose();
        _forHub.Dispose();
        _byCaller.Dispose();
        _byAddress.Dispose();
    }

    private static bool IsChat(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<ChatRateLimitMetadata>() is not null;

    private static PartitionedRateLimiter<string> FixedWindows(int permitLimit, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(partition => partition.Length == 0
            ? RateLimitPartition.GetNoLimiter(Unlimited)
            : RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitLimit,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
}
