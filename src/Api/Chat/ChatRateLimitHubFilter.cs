using Pipeline.Api.Limits;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Chat;

/// <summary>
/// Charges every hub <c>Chat</c> invocation to the caller's chat permits; over the limit, the stream is a single 429
/// <c>error</c> event (the hub's way of answering, as for a 400) and nothing is submitted.
/// </summary>
internal sealed class ChatRateLimitHubFilter(ChatRateLimiter limiter, IOptions<RequestLimitOptions> options, ILoggerFactory loggers) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocation.HubMethodName != nameof(ChatHub.Chat) || invocation.Context.GetHttpContext() is not { } connection)
            return await next(invocation);

        using var lease = limiter.AcquireForHub(connection);
        if (lease.IsAcquired)
            return await next(invocation);

        var seconds = RateLimitRejection.RetryAfterSeconds(lease, options.Value);
        LimitsLog.ChatRateLimited(loggers.CreateLogger(LimitsLog.Category), "hub", CallerPartition.Of(connection), seconds);
        return Rejected(new ErrorEvent(Guid.Empty, StatusCodes.Status429TooManyRequests,
            $"{RateLimitRejection.Title}. {RateLimitRejection.Detail(seconds, options.Value)}"));
    }

    private static async IAsyncEnumerable<ChatEvent> Rejected(ErrorEvent error)
    {
        await Task.CompletedTask;
        yield return error;
    }
}
