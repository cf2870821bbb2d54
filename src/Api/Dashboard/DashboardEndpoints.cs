using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using Pipeline.Api.Security;

namespace Pipeline.Api.Dashboard;

/// <summary>
/// <c>/dashboard</c>: the operator page (admin), its login form and its embedded assets. The page reads and acts through
/// the admin API with the session cookie the login sets; the bearer header path of the API is unchanged.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Path = "/dashboard";
    public const string LoginPath = "/dashboard/login";
    public const int MaxKeyLength = 1_024;

    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Path).WithTags("Dashboard").ExcludeFromDescription();
        group.MapGet("/", Page);
        group.MapGet("/login", () => DashboardLoginPage.Render(null, StatusCodes.Status200OK));
        group.MapPost("/login", LoginAsync).DisableAntiforgery();
        group.MapPost("/logout", LogoutAsync).DisableAntiforgery();
        group.MapGet("/assets/{file}", Asset);
        return routes;
    }

    private static IResult Page(HttpContext http, IOptions<DashboardOptions> options)
    {
        if (http.User.Identity?.IsAuthenticated != true)
            return TypedResults.Redirect(LoginPath);
        if (!http.User.IsInRole(AdminPolicy.Role))
            return TypedResults.Problem(title: "Forbidden", detail: "The dashboard needs an admin key.", statusCode: StatusCodes.Status403Forbidden);

        var o = options.Value;
        var html = DashboardAssets.Find("dashboard.html")!.Value.Text
            .Replace("{{pollMs}}", ((long)o.PollInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{chartWindow}}", HtmlEncoder.Default.Encode(o.ChartWindow), StringComparison.Ordinal)
            .Replace("{{chartStep}}", HtmlEncoder.Default.Encode(o.ChartStep), StringComparison.Ordinal)
            .Replace("{{comparisonLimit}}", o.ComparisonLimit.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{experimentLimit}}", o.ExperimentLimit.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        NoStore(http.Response);
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http, IOptions<ApiKeyOptions> keys, DashboardSessions sessions, DashboardSignInThrottle throttle, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(DashboardEndpoints).FullName!);
        var remote = http.Connection.RemoteIpAddress?.ToString();
        var address = remote ?? "unknown";
        if (throttle.IsThrottled(address, out var retryAfter))
        {
            logger.SignInRefused(remote, "too many wrong keys");
            var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return DashboardLoginPage.Render($"Too many wrong keys from this address; try again in {seconds} s.", StatusCodes.Status429TooManyRequests);
        }

        if (!http.Request.HasFormContentType)
            return DashboardLoginPage.Render("Send the form.", StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var key = form["key"].ToString().Trim();
        if (key.Length is 0 or > MaxKeyLength)
            return DashboardLoginPage.Render("Enter the admin API key.", StatusCodes.Status400BadRequest);
        if (!ApiKeyAuthenticationHandler.Matches(key, keys.Value.AdminKeys))
        {
            var isUser = ApiKeyAuthenticationHandler.Matches(key, keys.Value.UserKeys);
            throttle.RecordFailure(address);
            logger.SignInRefused(remote, isUser ? "a user key" : "an unknown key");
            return isUser
                ? DashboardLoginPage.Render("This key is not an admin key.", StatusCodes.Status403Forbidden)
                : DashboardLoginPage.Render("Unknown key.", StatusCodes.Status401Unauthorized);
        }

        throttle.Forget(address);
        logger.SignedIn(remote);
        http.Response.Cookies.Append(DashboardCookie.Name, sessions.Issue(key), DashboardCookie.Options(http.Request));
        return TypedResults.Redirect(Path);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, DashboardSessions sessions, DashboardSignOuts signOuts, CancellationToken cancellationToken)
    {
        // Deleting the cookie only asks this browser to forget it; recording the session as ended makes a copy useless too.
        if (http.Request.Cookies.TryGetValue(DashboardCookie.Name, out var ticket) && sessions.Read(ticket ?? "") is { } session)
            await signOuts.SignOutAsync(session, cancellationToken);
        http.Response.Cookies.Delete(DashboardCookie.Name, DashboardCookie.Options(http.Request));
        return TypedResults.Redirect(LoginPath);
    }

    private static IResult Asset(string file, HttpContext http)
    {
        // Only the page's own script and style sheet are public: they hold no data, and the login form needs the style.
        if (file == "dashboard.html" || DashboardAssets.Find(file) is not { } asset)
            return TypedResults.NotFound();
        NoStore(http.Response);
        return TypedResults.Content(asset.Text, asset.ContentType);
    }

    private static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
    }
}
