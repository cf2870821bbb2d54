using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Api.Hosting;
using Pipeline.Answering.Conversations;
using Pipeline.Flags;
using Pipeline.Persistence.Requests;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Operators replay archived traffic: the window's requests run again through both pipelines in shadow-only mode,
/// reach no caller, write no history, and their comparisons carry the replay id; progress is visible while it runs.
/// </summary>
public sealed class ReplayTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task A_replay_reruns_the_window_in_shadow_only_mode_with_no_history_and_tagged_comparisons()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        var from = DateTime.UtcNow;
        using var http = system.CreateClient();
        string[] questions = ["Cos'è il GDPR?", "What is DORA?", "Articolo 28 del GDPR"];
        foreach (var question in questions)
        {
            var (response, _) = await ChatClient.PostJsonAsync(http, new { message = question, conversationId = Guid.NewGuid() });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var to = DateTime.UtcNow.AddMilliseconds(1);
        var (historyBefore, archivedBefore) = await CountHistoryAndArchiveAsync();
        using var admin = system.CreateAdminClient();
        var start = await admin.PostAsJsonAsync("/api/ops/replay", new { from, to });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var started = await start.Content.ReadFromJsonAsync<JsonElement>();
        var replayId = started.GetProperty("replayId").GetGuid();
        Assert.Equal(questions.Length, started.GetProperty("total").GetInt32());

        var progress = await AwaitCompletionAsync(admin, replayId);
        Assert.Equal(questions.Length, progress.GetProperty("total").GetInt32());
        Assert.Equal(questions.Length, progress.GetProperty("done").GetInt32());
        Assert.Equal(0, progress.GetProperty("failed").GetInt32());

        await using var db = system.CreateDbContext();
        await Eventually.TrueAsync(async () => await db.Set<Comparison>().CountAsync(c => c.ReplayId == replayId && !c.NoiseSample) == questions.Length,
            TimeSpan.FromSeconds(20), "one tagged comparison per replayed request");
        Assert.All(await db.Set<Comparison>().Where(c => c.ReplayId == replayId).ToListAsync(), c => Assert.Equal(MigrationFlags.WorkflowComplete, c.FlagName));
        Assert.Equal((historyBefore, archivedBefore), await CountHistoryAndArchiveAsync());
        var listed = await admin.GetFromJsonAsync<JsonElement[]>("/api/ops/replay");
        Assert.Contains(listed!, r => r.GetProperty("id").GetGuid() == replayId && r.Text("status") == "completed");
    }

    [Fact]
    public async Task The_replay_verb_starts_a_replay_through_the_api_and_follows_it_to_the_end()
    {
        var from = DateTime.UtcNow;
        using var http = system.CreateClient();
        var (response, _) = await ChatClient.PostJsonAsync(http, new { message = "What is the AI Act?" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var to = DateTime.UtcNow.AddMilliseconds(1);

        Environment.SetEnvironmentVariable(OperatorClient.KeyVariable, PipelineSystem.AdminKey);
        try
        {
            var exit = await ReplayCommand.RunAsync(
                [ReplayCommand.Verb, "--from", from.ToString("O"), "--to", to.ToString("O"), "--url", system.ApiAddress.ToString()], CancellationToken.None);
            Assert.Equal(0, exit);
        }
        finally
        {
            Environment.SetEnvironmentVariable(OperatorClient.KeyVariable, null);
        }

        using var admin = system.CreateAdminClient();
        var latest = (await admin.GetFromJsonAsync<JsonElement[]>("/api/ops/replay?limit=1"))!.Single();
        Assert.Equal("completed", latest.Text("status"));
        Assert.Equal(1, latest.GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task A_bad_replay_request_is_a_400_naming_the_field_and_starts_nothing()
    {
        using var admin = system.CreateAdminClient();
        var now = DateTime.UtcNow;
        var before = (await admin.GetFromJsonAsync<JsonElement[]>("/api/ops/replay?limit=100"))!.Length;
        (object Body, string Field)[] cases =
        [
            (new { to = now }, "from"),
            (new { from = now }, "to"),
            (new { from = now, to = now.AddHours(-1) }, "to"),
            (new { from = now.AddHours(-1), to = now, limit = 0 }, "limit"),
            (new { from = now.AddHours(-1), to = now, limit = 1_000_000_000 }, "limit"),
            (new { from = now.AddHours(-1), to = now, flag = MigrationFlags.MemoryLoading }, "flag"),
            (new { from = "yesterday", to = now }, "body"),
        ];
        foreach (var (body, field) in cases)
        {
            var response = await admin.PostAsJsonAsync("/api/ops/replay", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        var malformed = await admin.PostAsync("/api/ops/replay", new StringContent("{\"from\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement[]>("/api/ops/replay?limit=100"))!.Length);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/ops/replay/{Guid.NewGuid()}")).StatusCode);
        using var anonymous = system.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/ops/replay", new { from = now.AddHours(-1), to = now })).StatusCode);
    }

    private async Task<(int History, int Archived)> CountHistoryAndArchiveAsync()
    {
        await using var db = system.CreateDbContext();
        return (await db.Set<ConversationMessage>().CountAsync(), await db.Set<ArchivedChatRequest>().CountAsync());
    }

    private static async Task<JsonElement> AwaitCompletionAsync(HttpClient admin, Guid replayId)
    {
        JsonElement progress = default;
        await Eventually.TrueAsync(async () =>
        {
            progress = await admin.GetFromJsonAsync<JsonElement>($"/api/ops/replay/{replayId}");
            return progress.Text("status") == "completed";
        }, TimeSpan.FromSeconds(60), "the replay should complete");
        return progress;
    }
}
