namespace Pipeline.Api.Limits;

/// <summary>What the limits log: a caller refused for spending its chat permits (once per refusal, at warning).</summary>
internal static partial class LimitsLog
{
    public const string Category = "Pipeline.Api.Limits";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat rate limit: {Transport} request from {Caller} refused, retry after {RetryAfterSeconds} s")]
    public static partial void ChatRateLimited(ILogger logger, string transport, string caller, int retryAfterSeconds);
}
