using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Flags;
using Xunit;

namespace Pipeline.Api.Tests.Flags;

/// <summary>The flag admin API of contract §2 on the real database and broker.</summary>
public sealed class FlagAdministrationTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_migration_hierarchy_exists_on_first_start()
    {
        using var http = api.Client();

        var flags = await http.GetFromJsonAsync<JsonElement[]>("/api/flags");

        var byName = flags!.ToDictionary(f => f.GetProperty("name").GetString()!);
        foreach (var (name, parent, status, _, _) in MigrationFlags.Hierarchy)
        {
            Assert.True(byName.ContainsKey(name), $"{name} should be seeded");
            Assert.Equal(parent, byName[name].GetProperty("parent").GetString());
            Assert.Equal(status, byName[name].GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Admin_routes_answer_401_without_a_credential_and_403_with_a_non_admin_one()
    {
        using var anonymous = api.Client(key: null);
        using var user = api.Client(ApiHost.UserKey);
        using var wrong = api.Client("not-a-real-key-at-all");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/flags")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/flags")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/flags")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/flags/workflow-complete/kill", null)).StatusCode);
    }

    [Fact]
    public async Task Put_without_version_creates_and_with_a_version_replaces_only_that_version()
    {
        using var http = api.Client();

        var created = await Send(http, HttpMethod.Put, "/api/flags/put-test", new { status = "shadow", rolloutPercentage = 5, parent = "migration" });
        var again = await Send(http, HttpMethod.Put, "/api/flags/put-test", new { status = "enabled" });
        var replaced = await Send(http, HttpMethod.Put, "/api/flags/put-test", new { status = "enabled", rolloutPercentage = 10, version = 1 });
        var stale = await Send(http, HttpMethod.Put, "/api/flags/put-test", new { status = "disabled", version = 1 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var flag = await http.GetFromJsonAsync<JsonElement>("/api/flags/put-test");
        Assert.Equal(2, flag.GetProperty("version").GetInt64());
        Assert.Equal("enabled", flag.GetProperty("status").GetString());
        Assert.Equal(10, flag.GetProperty("rolloutPercentage").GetDouble());
        Assert.Equal(JsonValueKind.Null, flag.GetProperty("parent").ValueKind);
    }

    [Theory]
    [InlineData("{\"status\":\"maybe\",\"version\":1}", "status")]
    [InlineData("{\"rolloutPercentage\":101,\"version\":1}", "rolloutPercentage")]
    [InlineData("{\"rolloutPercentage\":-1,\"version\":1}", "rolloutPercentage")]
    [InlineData("{\"rolloutPercentage\":\"ten\",\"version\":1}", "rolloutPercentage")]
    [InlineData("{\"parent\":\"no-such-flag\",\"version\":1}", "parent")]
    [InlineData("{\"parent\":\"bad-target-child\",\"version\":1}", "parent")]
    [InlineData("{\"parent\":\"bad-target\",\"version\":1}", "parent")]
    [InlineData("{\"colour\":\"blue\",\"version\":1}", "colour")]
    [InlineData("{\"targetUsers\":[1,2],\"version\":1}", "targetUsers")]
    [InlineData("{\"status\":\"enabled\"}", "version")]
    [InlineData("{\"status\":", "Malformed")]
    public async Task A_bad_patch_gets_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var http = api.Client();
        await EnsureFlagAsync(http, "bad-target", parent: null);
        await EnsureFlagAsync(http, "bad-target-child", parent: "bad-target");
        var before = await http.GetStringAsync("/api/flags/bad-target");

        var response = await http.PatchAsync("/api/flags/bad-target", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await http.GetStringAsync("/api/flags/bad-target"));
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("under_score")]
    [InlineData("a-name-that-is-far-too-long-to-be-a-flag-name-because-it-goes-on-and-on")]
    public async Task A_name_outside_the_pattern_is_rejected(string name)
    {
        using var http = api.Client();

        var response = await Send(http, HttpMethod.Put, $"/api/flags/{name}", new { status = "disabled" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/flags/{name}")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_patches_with_the_same_version_let_exactly_one_win()
    {
        using var http = api.Client();
        await EnsureFlagAsync(http, "race-test", parent: null);
        var version = (await http.GetFromJsonAsync<JsonElement>("/api/flags/race-test")).GetProperty("version").GetInt64();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Send(http, HttpMethod.Patch, "/api/flags/race-test", new { rolloutPercentage = i * 10, version })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var after = await http.GetFromJsonAsync<JsonElement>("/api/flags/race-test");
        Assert.Equal(version + 1, after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Kill_disables_at_once_without_a_version_and_is_audited_with_before_and_after()
    {
        using var http = api.Client();
        await EnsureFlagAsync(http, "kill-test", parent: null, status: "enabled");

        var response = await http.PostAsJsonAsync("/api/flags/kill-test/kill", new { reason = "error spike" });
        var events = await http.GetFromJsonAsync<JsonElement[]>("/api/flags/kill-test/events");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("disabled", (await http.GetFromJsonAsync<JsonElement>("/api/flags/kill-test")).GetProperty("status").GetString());
        var killed = events!.First();
        Assert.Equal("killed", killed.GetProperty("type").GetString());
        Assert.Equal("error spike", killed.GetProperty("reason").GetString());
        Assert.Equal("admin", killed.GetProperty("actor").GetString());
        Assert.Equal("enabled", killed.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("disabled", killed.GetProperty("after").GetProperty("status").GetString());
        Assert.Contains(events!, e => e.GetProperty("type").GetString() == "created");
    }

    [Fact]
    public async Task Evaluate_explains_targeting_rollout_and_a_killed_parent()
    {
        using var http = api.Client();
        await EnsureFlagAsync(http, "eval-parent", parent: null, status: "enabled");
        await EnsureFlagAsync(http, "eval-child", parent: "eval-parent", status: "enabled");
        var child = await http.GetFromJsonAsync<JsonElement>("/api/flags/eval-child");
        await Send(http, HttpMethod.Patch, "/api/flags/eval-child",
            new { rolloutPercentage = 50, targetUsers = new[] { "vip" }, version = child.GetProperty("version").GetInt64() });

        var targeted = await http.GetFromJsonAsync<JsonElement>("/api/flags/eval-child/evaluate?userId=vip");
        var bucketed = await http.GetFromJsonAsync<JsonElement>("/api/flags/eval-child/evaluate?userId=someone");
        await http.PostAsync("/api/flags/eval-parent/kill", null);
        var killed = await http.GetFromJsonAsync<JsonElement>("/api/flags/eval-child/evaluate?userId=vip");

        Assert.Equal("on", targeted.GetProperty("mode").GetString());
        Assert.Equal("targeted user", targeted.GetProperty("reason").GetString());
        Assert.Matches(@"^bucket [\d.]+ (<|>=) 50$", bucketed.GetProperty("reason").GetString());
        Assert.InRange(bucketed.GetProperty("bucket").GetDouble(), 0, 99.99);
        Assert.Equal("off", killed.GetProperty("mode").GetString());
        Assert.Equal("killed by parent eval-parent", killed.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Seeding_again_keeps_every_operator_change()
    {
        using var http = api.Client();
        var before = await http.GetFromJsonAsync<JsonElement>("/api/flags/memory-loading");
        await Send(http, HttpMethod.Patch, "/api/flags/memory-loading", new { status = "shadow", version = before.GetProperty("version").GetInt64() });

        await Pipeline.Api.Hosting.MigrateCommand.MigrateAndSeedAsync(api.App.Services, CancellationToken.None);

        var after = await http.GetFromJsonAsync<JsonElement>("/api/flags/memory-loading");
        Assert.Equal("shadow", after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("version").GetInt64() + 1, after.GetProperty("version").GetInt64());
    }

    private static async Task EnsureFlagAsync(HttpClient http, string name, string? parent, string status = "disabled")
    {
        var response = await Send(http, HttpMethod.Put, $"/api/flags/{name}", new { status, parent });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"creating {name}: {response.StatusCode}");
    }

    private static Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, object body) =>
        http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
}
