using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Limits;

/// <summary>
/// One fixed-window budget per caller (<see cref="CallerPartition"/>), shared by POST /api/chat (through the
/// rate-limiting middleware) and the hub's <c>Chat</c> (through <see cref="ChatRateLimitHubFilter"/>), so switching
/// transport buys no extra permits. Endpoints without <see cref="ChatRateLimitMetadata"/> are not limited.
/// </summary>
public sealed class ChatRateLimiter : IDisposable
{
    private const string Unlimited = "";
    private readonly PartitionedRateLimiter<string> _byCaller;

    public ChatRateLimiter(IOptions<RequestLimitOptions> options)
    {
        var limits = options.Value;
        _byCaller = PartitionedRateLimiter.Create<string, string>(caller => caller.Length == 0
            ? RateLimitPartition.GetNoLimiter(Unlimited)
            : RateLimitPartition.GetFixedWindowLimiter(caller, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.ChatPermitLimit,
                Window = limits.ChatWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        ForRequests = _byCaller.WithTranslatedKey<HttpContext>(http =>
            http.GetEndpoint()?.Metadata.GetMetadata<ChatRateLimitMetadata>() is null ? Unlimited : CallerPartition.Of(http), leaveOpen: true);
    }

    /// <summary>The middleware's global limiter: chat endpoints spend the caller's permits, others pass.</summary>
    public PartitionedRateLimiter<HttpContext> ForRequests { get; }

    /// <summary>A permit for one hub invocation, charged to the caller who opened the connection.</summary>
    public RateLimitLease AcquireForHub(HttpContext connection) => _byCaller.AttemptAcquire(CallerPartition.Of(connection));

    public void Dispose()
    {
        ForRequests.Dispose();
        _byCaller.Dispose();
    }
}
