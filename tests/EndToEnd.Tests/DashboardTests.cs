using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pipeline.Contracts;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The operator dashboard in a real headless Chromium (Debian's package, never a downloaded browser), against the whole
/// system over HTTP: the login form, the flag tree and the kill button that an operator would use during an incident,
/// and the experiments and rollouts an operator weighs before promoting a pipeline.
/// </summary>
public sealed class DashboardTests(DashboardTests.DashboardSystem system) : IClassFixture<DashboardTests.DashboardSystem>, IAsyncLifetime
{
    /// <summary>The system with a plain user key as well, and a page that polls every second.</summary>
    public sealed class DashboardSystem : PipelineSystem
    {
        public const string UserKey = "test-user-key";

        protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
        {
            ["Users:ApiKeys:0"] = UserKey,
            ["Dashboard:PollInterval"] = "00:00:01",
            ["Rollout:EvaluationInterval"] = "00:00:01",
        };
    }

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
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);

        await page.GotoAsync("/dashboard");
        Assert.EndsWith("/dashboard/login", new Uri(page.Url).AbsolutePath);
        await page.FillAsync("#key", PipelineSystem.AdminKey);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        Assert.Equal("/dashboard", new Uri(page.Url).AbsolutePath);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-poll-ms", "1000");

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

        await Expect(page.Locator("#charts figure")).ToHaveCountAsync(7, new() { Timeout = 20_000 });
        await Expect(page.Locator("#alerts")).ToContainTextAsync("No active alerts");

        // A recorded comparison appears on the next poll; selecting it shows old and new side by side.
        var comparison = await InsertComparisonAsync();
        var row = page.Locator($"#comparisons tbody tr[data-id='{comparison}']");
        await row.ClickAsync(new() { Timeout = 20_000 });
        var diff = page.Locator("#comparison-diff");
        await Expect(diff.Locator(".side").Nth(0).Locator("del")).ToHaveTextAsync("the");
        await Expect(diff.Locator(".side").Nth(1).Locator("ins")).ToHaveTextAsync("personal");
        await Expect(diff).ToContainTextAsync("Mismatch");
        await Expect(diff.Locator(".side").Nth(0)).ToContainTextAsync("[1] gdpr-art-1");
        await Expect(diff.Locator(".side").Nth(1).Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(diff.Locator(".side").Nth(1)).ToContainTextAsync("missing");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot) is { Exists: true, Length: > 0 }, $"{screenshot} should hold the screenshot");
        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task The_eval_queue_and_replay_progress_show_real_work_and_a_review_from_the_page_clears_the_flag()
    {
        using var admin = system.CreateAdminClient();
        // A real replay of one real request, run to the end.
        var from = DateTime.UtcNow;
        using (var http = system.CreateClient())
            Assert.Equal(HttpStatusCode.OK, (await ChatClient.PostJsonAsync(http, new { message = "What is DORA?" })).Response.StatusCode);
        var started = await admin.PostAsJsonAsync("/api/ops/replay", new { from, to = DateTime.UtcNow.AddMilliseconds(1) });
        var replayId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayId").GetGuid();
        await Eventually.TrueAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/ops/replay/{replayId}")).Text("status") == "completed",
            TimeSpan.FromSeconds(60), "the replay should complete");

        // A real evaluation of an answer whose only citation points at no source: the evaluator flags it.
        var requestId = Guid.NewGuid();
        var answer = new ChatAnswer("Le sanzioni vengono pagate in bitcoin al garante lunare [3].", [],
            [new ChatSource("sample:0", null, "Sample", null, 0.5, "document", null)], false, 5, new ChatUsage(0, 0, 0));
        await system.Coordinator.Services.GetRequiredService<MassTransit.IBus>()
            .Publish(new ResultSampled(requestId, "Cos'è il GDPR?", ChatPipeline.Legacy, answer, "sampled"));
        var evalId = Guid.Empty;
        await Eventually.TrueAsync(async () =>
        {
            var flagged = await admin.GetFromJsonAsync<JsonElement[]>("/api/evals?flagged=true&limit=500");
            evalId = flagged!.Where(e => e.GetProperty("requestId").GetGuid() == requestId).Select(e => e.GetProperty("id").GetGuid()).FirstOrDefault();
            return evalId != Guid.Empty;
        }, TimeSpan.FromSeconds(30), "the low-scoring answer should be flagged");

        await using var context = await SignedInContextAsync();
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.Type == DialogType.Prompt ? "checked by hand" : null);
        await page.GotoAsync("/dashboard");
        var item = page.Locator($"#evals .eval[data-id='{evalId}']");
        await Expect(item).ToContainTextAsync("Cos'è il GDPR?", new() { Timeout = 20_000 });
        await Expect(page.Locator("#replays .replay").First).ToContainTextAsync("1/1 done, 0 failed", new() { Timeout = 20_000 });

        await item.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        JsonElement reviewed = default;
        await Eventually.TrueAsync(async () =>
        {
            var all = await admin.GetFromJsonAsync<JsonElement[]>("/api/evals?flagged=false&limit=500");
            reviewed = all!.FirstOrDefault(e => e.GetProperty("id").GetGuid() == evalId);
            return reviewed.ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(10), "the review posted from the page should clear the flag");
        var review = reviewed.GetProperty("review");
        Assert.Equal("rejected", review.Text("verdict"));
        Assert.Equal("checked by hand", review.Text("note"));
        Assert.Equal("dashboard", review.Text("reviewedBy"));
        await Expect(item).ToHaveCountAsync(0, new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task The_experiments_panel_shows_a_finished_experiments_variants_and_questions_and_a_rollout_shows_its_kind_and_last_decision()
    {
        var flag = MigrationFlags.WorkflowComplete;
        var detail = await system.RunExperimentAsync(
            new { name = "dashboard tiny", flag, variants = new[] { "legacy", "workflow" }, dataset = ExperimentRuns.TinyDataset }, TimeSpan.FromMinutes(2));
        var experimentId = detail.GetProperty("experiment").Text("id");

        // An improvement rollout of the routing flag: in shadow its gate reads that experiment, so its decision names it.
        using var admin = system.CreateAdminClient();
        var started = await admin.PostAsJsonAsync($"/api/flags/{flag}/rollout",
            new { kind = "improvement", stages = new object[] { "shadow", 100 }, minSamples = 1_000, minDwell = "PT1H" });
        Assert.True(HttpStatusCode.Accepted == started.StatusCode, await started.Content.ReadAsStringAsync());
        var rolloutId = (await started.Content.ReadFromJsonAsync<JsonElement>()).Text("id");
        await Eventually.TrueAsync(async () =>
        {
            var events = await admin.GetFromJsonAsync<JsonElement[]>($"/api/flags/{flag}/events");
            return events!.Any(e => e.Text("type") == FlagEventTypes.Rollout && e.GetProperty("after").TryGetProperty("experiment", out var x) && x.Text("id") == experimentId);
        }, TimeSpan.FromSeconds(30), "the rollout's gate should decide on the experiment");
        var lastDecision = (await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{flag}/rollout")).Text("lastDecision");

        await using var context = await SignedInContextAsync();
        var page = await context.NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        await page.GotoAsync("/dashboard");

        var card = page.Locator($"#experiments .experiment[data-id='{experimentId}']");
        await Expect(card).ToContainTextAsync("dashboard tiny", new() { Timeout = 20_000 });
        await Expect(card.Locator("table.variants tbody tr")).ToHaveCountAsync(2);
        await Expect(card.Locator("tr[data-variant='legacy'] td").Nth(1)).ToHaveTextAsync("4");
        await Expect(card.Locator("tr[data-variant='workflow'] td").Nth(1)).ToHaveTextAsync("4");
        await Expect(card.Locator("table.variants thead")).ToContainTextAsync("MRR");

        // Per-question rows are fetched on demand: one per question and variant.
        await Expect(card.Locator("table.questions")).ToHaveCountAsync(0);
        await card.Locator("details.per-question summary").ClickAsync();
        await Expect(card.Locator("table.questions tbody tr")).ToHaveCountAsync(8, new() { Timeout = 20_000 });
        await Expect(card.Locator("table.questions tbody tr[data-question='gdpr-what-is-en']")).ToHaveCountAsync(2);

        var rollout = page.Locator($"#rollouts .rollout[data-id='{rolloutId}']");
        await Expect(rollout.Locator($"[data-testid='rollout-kind-{flag}']")).ToHaveTextAsync("improvement", Patiently);
        await Expect(rollout.Locator($"[data-testid='rollout-decision-{flag}']")).ToHaveTextAsync(lastDecision, Patiently);
        await Expect(rollout.Locator("li[data-evidence='experiment']")).ToContainTextAsync(experimentId, new() { Timeout = 20_000 });
        await Expect(rollout.Locator("li[data-evidence='experiment scores']")).ToContainTextAsync("paired-t");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard-experiments.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.Empty(scriptErrors);

        // The operator takes the flag back, which ends the rollout, so the other tests find the flag as they set it.
        await system.SetFlagAsync(flag, FlagStatus.Disabled);
    }

    private async Task<IBrowserContext> SignedInContextAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = system.ApiAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/login");
        await page.FillAsync("#key", PipelineSystem.AdminKey);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await page.CloseAsync();
        return context;
    }

    /// <summary>A comparison as the comparator records it: two answers whose text, sources and scores differ.</summary>
    private async Task<Guid> InsertComparisonAsync()
    {
        var usage = new ChatUsage(10, 20, 0.001m);
        var old = new ChatAnswer("GDPR protects the data of people [1]", [new ChatCitation(1, "gdpr-art-1")],
            [new ChatSource("gdpr-art-1", "gdpr", "GDPR article 1", 1, 0.91, "document", null)], false, 40, usage);
        var @new = new ChatAnswer("GDPR protects personal data of people [1]", [new ChatCitation(1, "gdpr-art-1")],
            [new ChatSource("gdpr-art-1", "gdpr", "GDPR article 1", 1, 0.88, "document", null),
             new ChatSource("gdpr-art-4", "gdpr", "GDPR article 4", 4, 0.70, "document", null)], false, 35, usage);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var comparison = new Comparison
        {
            Id = Guid.NewGuid(), RequestId = Guid.NewGuid(), FlagName = MigrationFlags.WorkflowComplete, Kind = "answer",
            Match = false, TextSimilarity = 0.83, CitationsMatch = true, SourcesMatch = false, SourceIdOverlap = 0.5, MaxScoreDelta = 0.03,
            Diff = """{"text":{"similarity":0.83}}""", NewOutcome = "completed", OldDurationMs = 40, NewDurationMs = 35,
            OldResult = JsonSerializer.Serialize(old, json), NewResult = JsonSerializer.Serialize(@new, json), CreatedAt = DateTime.UtcNow,
        };
        await using var scope = system.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
        db.Add(comparison);
        await db.SaveChangesAsync();
        return comparison.Id;
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

        // A user key is a caller, not an operator: refused at the form and, as a bearer header, at the page.
        await page.FillAsync("#key", DashboardSystem.UserKey);
        var forbidden = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#sign-in"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/dashboard/login");
        Assert.Equal((int)HttpStatusCode.Forbidden, forbidden.Status);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "pipeline-admin");
        using (var user = system.CreateClient())
        {
            user.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DashboardSystem.UserKey);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/dashboard")).StatusCode);
        }

        using (var admin = system.CreateAdminClient())
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard")).StatusCode);

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
