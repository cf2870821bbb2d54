namespace Pipeline.Api.Security;

/// <summary>The dashboard's session cookie: it carries the admin key a browser cannot send as a bearer header.</summary>
public static class DashboardCookie
{
    public const string Name = "pipeline-admin";

    /// <summary>HttpOnly so page scripts never see the key, SameSite=Strict so other sites cannot ride it, Secure over HTTPS.</summary>
    public static CookieOptions Options(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
