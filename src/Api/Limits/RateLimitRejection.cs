using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Limits;

/// <summary>Answers a rate-limited request with 429 ProblemDetails and the seconds until the caller's window reopens.</summary>
internal static class RateLimitRejection
{
    public const string Title = "Too many requests";

    /// <summary>Whole seconds to wait, at least one, from the lease's metadata or else the whole window.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease, RequestLimitOptions limits) =>
        (int)Math.Max(1, Math.Ceiling((lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : limits.ChatWindow).TotalSeconds));

    public static string Detail(int retryAfterSeconds, RequestLimitOptions limits) =>
        $"At most {limits.ChatPermitLimit} chat requests per {limits.ChatWindow.TotalSeconds:0.###} s per caller, and "
        + $"{limits.ChatPermitLimitPerAddress} per address for callers without a key; retry after {retryAfterSeconds} s.";

    public static async ValueTask WriteAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var limits = http.RequestServices.GetRequiredService<IOptions<RequestLimitOptions>>().Value;
        var seconds = RetryAfterSeconds(context.Lease, limits);
        LimitsLog.ChatRateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LimitsLog.Category), "http", CallerPartition.Of(http), seconds);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = Title, Detail = Detail(seconds, limits) },
        });
    }
}
