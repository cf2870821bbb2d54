using Microsoft.AspNetCore.Mvc;

namespace Pipeline.Api.Security;

/// <summary>
/// Refuses cross-site request forgery of the dashboard's cookie. SameSite=Strict keeps other sites from riding the
/// cookie, but not pages of the same site (another port or subdomain of the host). So a state-changing request that
/// authenticated with the cookie must carry <see cref="HeaderName"/> (a custom header, which a form or a cross-origin
/// script without CORS permission cannot send) and, when the browser names where it comes from (Origin, else Referer),
/// come from the API's own origin. Bearer callers are not affected: a browser never adds their header by itself.
/// </summary>
public static class CrossSiteRequestGuard
{
    public const string HeaderName = "X-Dashboard-Request";
    public const string HeaderValue = "1";
    public const string Title = "Cross-site request refused";
    private static readonly PathString FormPaths = "/dashboard";

    public static IApplicationBuilder UseCrossSiteRequestGuard(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (Refusal(http) is { } detail)
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = Title, Detail = detail },
                });
                return;
            }

            await next(http);
        });

    /// <summary>Why the request must not run, or null when it may.</summary>
    internal static string? Refusal(HttpContext http)
    {
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            return null;
        if (http.User.FindFirst(ApiKeyAuthenticationHandler.CredentialClaim)?.Value != ApiKeyAuthenticationHandler.CookieCredential)
            return null;

        if (SourceOrigin(request) is { } source && !string.Equals(source, OwnOrigin(request), StringComparison.OrdinalIgnoreCase))
            return $"A request signed in with the dashboard cookie must come from the dashboard's own origin, not '{source}'.";
        // The dashboard's own forms (sign-in, sign-out) cannot add a header; ending a session is all they can do.
        if (request.Path.StartsWithSegments(FormPaths))
            return null;
        if (request.Headers[HeaderName] != HeaderValue)
            return $"A request signed in with the dashboard cookie must carry the header {HeaderName}: {HeaderValue} (the dashboard sends it), or use Authorization: Bearer.";
        return null;
    }

    private static string? SourceOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
            return origin;
        var referer = request.Headers.Referer.ToString();
        if (referer.Length == 0)
            return null;
        return Uri.TryCreate(referer, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : referer;
    }

    private static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";
}
