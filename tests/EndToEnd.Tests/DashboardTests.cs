using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Pipeline.Infrastructure.Flags;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The operator dashboard in a real headless Chromium (Debian's package, never a downloaded browser), against the whole
/// system over HTTP: the login form, the flag tree and the kill button that an operator would use during an incident.
/// </summary>
public sealed class DashboardTests(PipelineSystem system) : IClassFixture<PipelineSystem>, IAsyncLifetime
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 20_000 };
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            // The tests run as root, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task An_operator_signs_in_sees_the_flag_tree_and_kills_a_flag_with_the_button()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled);
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = system.ApiAddress.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/dashboard");
        Assert.EndsWith("/dashboard/login", new Uri(page.Url).AbsolutePath);
        await page.FillAsync("#key", PipelineSystem.AdminKey);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        Assert.Equal("/dashboard", new Uri(page.Url).AbsolutePath);

        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "pipeline-admin");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        // The tree follows `parent`: workflow-complete under migration, its steps under it.
        var flag = MigrationFlags.WorkflowComplete;
        var status = page.Locator($"#flag-status-{flag}");
        await Expect(status).ToHaveTextAsync(FlagStatus.Enabled, Patiently);
        await Expect(page.Locator($"li[data-flag='{MigrationFlags.Migration}'] > ul > li[data-flag='{flag}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"li[data-flag='{flag}'] > ul > li[data-flag='{MigrationFlags.WorkflowCache}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#flag-{flag} [role=progressbar]")).ToHaveAttributeAsync("aria-valuenow", "100");

        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.AcceptAsync();
        };
        await page.ClickAsync($"#kill-{flag}");

        await Expect(status).ToHaveTextAsync(FlagStatus.Disabled, Patiently);
        var confirmation = Assert.Single(dialogs);
        Assert.StartsWith("confirm", confirmation);
        Assert.Contains(flag, confirmation);
        var killEntry = page.Locator($"#audit li[data-type='{FlagEventTypes.Killed}']").First;
        await Expect(killEntry).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(killEntry.Locator(".actor")).ToHaveTextAsync("dashboard");
        await Expect(page.Locator($"#kill-{flag}")).ToBeDisabledAsync();

        using var admin = system.CreateAdminClient();
        var stored = await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{flag}");
        Assert.Equal(FlagStatus.Disabled, stored.Text("status"));
        var latest = (await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{flag}/events")).EnumerateArray().First();
        Assert.Equal(FlagEventTypes.Killed, latest.Text("type"));
        Assert.Equal("dashboard", latest.Text("actor"));

        // The sections whose endpoints are not on this branch say so instead of breaking the page.
        await Expect(page.Locator("#charts figure")).ToHaveCountAsync(7, new() { Timeout = 20_000 });
        await Expect(page.Locator("#alerts")).ToContainTextAsync("No active alerts");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot) is { Exists: true, Length: > 0 }, $"{screenshot} should hold the screenshot");
    }

    [Fact]
    public async Task The_dashboard_without_a_session_redirects_to_the_login_and_a_wrong_key_is_refused()
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = system.ApiAddress.ToString() });
        var page = await context.NewPageAsync();

        var landing = await page.GotoAsync("/dashboard");
        Assert.Equal("/dashboard/login", new Uri(page.Url).AbsolutePath);
        Assert.Equal((int)HttpStatusCode.OK, landing!.Status);

        await page.FillAsync("#key", "not-the-admin-key");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#sign-in"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/dashboard/login");
        Assert.Equal((int)HttpStatusCode.Unauthorized, refused.Status);
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("Unknown key.");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "pipeline-admin");

        await page.GotoAsync("/dashboard");
        Assert.Equal("/dashboard/login", new Uri(page.Url).AbsolutePath);

        // A forged session cookie is no session either; and the API itself refuses it.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = system.ApiAddress };
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        forged.Headers.Add("Cookie", "pipeline-admin=forged-key-value");
        var redirect = await http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/dashboard/login", redirect.Headers.Location?.OriginalString);
        using var forgedApi = new HttpRequestMessage(HttpMethod.Get, "/api/flags");
        forgedApi.Headers.Add("Cookie", "pipeline-admin=forged-key-value");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forgedApi)).StatusCode);
    }
}
