namespace Pipeline.Api.Security;

/// <summary>The dashboard's session cookie: a session ticket standing in for the bearer header a browser cannot send.</summary>
public static class DashboardCookie
{
    public const string Name = "pipeline-admin";

    /// <summary>HttpOnly so page scripts never see the ticket, SameSite=Strict so other sites cannot ride it, Secure over HTTPS.</summary>
    public static CookieOptions Options(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
