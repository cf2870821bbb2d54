using System.Text.Encodings.Web;

namespace Pipeline.Api.Dashboard;

/// <summary>The login form: the one place an operator types the admin key, which then lives only in an HttpOnly cookie.</summary>
internal static class DashboardLoginPage
{
    public static IResult Render(string? error, int statusCode)
    {
        var message = error is null ? "" : $"""<p class="error" role="alert" id="login-error">{HtmlEncoder.Default.Encode(error)}</p>""";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Pipeline dashboard — sign in</title>
            <link rel="stylesheet" href="/dashboard/assets/dashboard.css">
            </head>
            <body class="login">
            <main>
            <h1>Pipeline operator dashboard</h1>
            {message}
            <form method="post" action="/dashboard/login">
            <label for="key">Admin API key</label>
            <input type="password" id="key" name="key" autocomplete="current-password" required autofocus>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            </main>
            </body>
            </html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }
}
