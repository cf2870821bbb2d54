using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Xunit;

namespace Pipeline.Api.Tests.Flags;

/// <summary>
/// Which flags <c>POST /api/flags/{name}/rollout</c> accepts: the routing flag and each workflow step flag, whose two
/// sides a gate can compare; a kill switch or a flag with no two sides is refused with a problem naming why.
/// </summary>
public sealed class RolloutTargetTests(ApiHost api) : IClassFixture<ApiHost>
{
    private static readonly object Plan = new { stages = new object[] { "shadow", 10, 100 }, minSamples = 50, minDwell = "PT1M", kind = "improvement" };

    [Fact]
    public async Task A_workflow_step_flag_is_rolled_out_with_the_kind_it_declares()
    {
        using var http = api.Client();

        var response = await http.PostAsJsonAsync($"/api/flags/{MigrationFlags.WorkflowGeneration}/rollout", Plan);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var rollout = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(MigrationFlags.WorkflowGeneration, rollout.GetProperty("flag").GetString());
        Assert.Equal("improvement", rollout.GetProperty("kind").GetString());
        Assert.Equal("shadow", rollout.GetProperty("stage").GetString());
        var flag = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{MigrationFlags.WorkflowGeneration}");
        Assert.Equal(FlagStatus.Shadow, flag.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(MigrationFlags.Migration, "is a kill switch over other flags")]
    [InlineData(MigrationFlags.Telemetry, "does not choose between two ways of answering a chat request")]
    [InlineData(MigrationFlags.MemoryLoading, "does not choose between two ways of answering a chat request")]
    public async Task A_flag_a_gate_cannot_judge_is_refused_with_a_problem_naming_why(string name, string why)
    {
        using var http = api.Client();
        var before = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{name}");

        var response = await http.PostAsJsonAsync($"/api/flags/{name}/rollout", Plan);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("This flag cannot be rolled out automatically", problem.GetProperty("title").GetString());
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("name").EnumerateArray()).GetString()!;
        Assert.Contains(why, message);
        Assert.Contains($"the routing flag '{MigrationFlags.WorkflowComplete}' or a workflow step flag", message);
        // Refused means untouched: no rollout, and the flag as it was.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/flags/{name}/rollout")).StatusCode);
        var after = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{name}");
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_flag_that_does_not_exist_is_not_found()
    {
        using var http = api.Client();

        var response = await http.PostAsJsonAsync("/api/flags/no-such-flag/rollout", Plan);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
