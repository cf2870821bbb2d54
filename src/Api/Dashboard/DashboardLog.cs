namespace Pipeline.Api.Dashboard;

/// <summary>The dashboard's log events: sign-ins are security-relevant, so both outcomes are logged (never the key).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard sign-in from {RemoteAddress}")]
    public static partial void SignedIn(this ILogger logger, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard sign-in refused from {RemoteAddress}: {Reason}")]
    public static partial void SignInRefused(this ILogger logger, string? remoteAddress, string reason);
}
