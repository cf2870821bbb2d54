using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Infrastructure.Flags;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The workflow's per-step flags on the real system: off delegates a step to the legacy implementation (for the cache
/// step, the legacy cache itself), on uses the new one, shadow serves the legacy result and records the pair.
/// </summary>
public sealed class StepFlagTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task With_its_cache_step_off_the_workflow_reuses_the_legacy_cache_and_with_it_on_keeps_its_own()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowCache, FlagStatus.Disabled);
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        var legacyFirst = await AskAsync("What is the Cyber Resilience Act?");
        Assert.Equal("legacy", legacyFirst.Text("poweredBy"));
        Assert.False(legacyFirst.GetProperty("cached").GetBoolean());

        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled);
        var delegated = await AskAsync("What is the Cyber Resilience Act?");
        Assert.Equal("workflow", delegated.Text("poweredBy"));
        Assert.True(delegated.GetProperty("cached").GetBoolean(), "the cache step off reads the legacy cache");

        await system.SetFlagAsync(MigrationFlags.WorkflowCache, FlagStatus.Enabled);
        var own = await AskAsync("What is the Cyber Resilience Act?");
        Assert.False(own.GetProperty("cached").GetBoolean(), "the workflow's own cache holds nothing yet");
        var ownAgain = await AskAsync("What is the Cyber Resilience Act?");
        Assert.True(ownAgain.GetProperty("cached").GetBoolean(), "the workflow's served answer filled its own cache");
    }

    [Fact]
    public async Task Shadowed_steps_serve_the_legacy_result_and_record_each_pair_by_kind()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled);
        await system.SetFlagAsync(MigrationFlags.WorkflowCache, FlagStatus.Shadow);
        await system.SetFlagAsync(MigrationFlags.WorkflowRetrieval, FlagStatus.Shadow);
        const string question = "What does DORA require of financial entities?";

        var first = await AskAsync(question);
        var second = await AskAsync(question);

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean());
        using var admin = system.CreateAdminClient();
        var retrieval = await ComparisonsOfAsync(admin, MigrationFlags.WorkflowRetrieval, first.GetProperty("requestId").GetGuid());
        var retrievalPair = Assert.Single(retrieval);
        Assert.Equal("retrieval", retrievalPair.Text("kind"));
        Assert.Equal("completed", retrievalPair.Text("newOutcome"));

        var firstCache = Assert.Single(await ComparisonsOfAsync(admin, MigrationFlags.WorkflowCache, first.GetProperty("requestId").GetGuid()));
        Assert.Equal("cache", firstCache.Text("kind"));
        Assert.True(firstCache.GetProperty("match").GetBoolean(), "both caches miss a question never asked");
        // Shadowing the cache step fills both caches, so the second lookup hits in each and the answers agree.
        var secondCache = Assert.Single(await ComparisonsOfAsync(admin, MigrationFlags.WorkflowCache, second.GetProperty("requestId").GetGuid()));
        Assert.True(secondCache.GetProperty("match").GetBoolean(), secondCache.GetProperty("diff").ToString());
        // A cache hit ends the graph: no retrieval ran, so none was compared (its pair would share the cache pair's outbox commit).
        var retrievals = await admin.GetFromJsonAsync<JsonElement[]>($"/api/comparisons?flag={MigrationFlags.WorkflowRetrieval}&limit=200");
        Assert.DoesNotContain(retrievals!, c => c.GetProperty("requestId").GetGuid() == second.GetProperty("requestId").GetGuid());
    }

    private async Task<JsonElement> AskAsync(string question)
    {
        using var http = system.CreateClient();
        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return result;
    }

    private static async Task<List<JsonElement>> ComparisonsOfAsync(HttpClient admin, string flag, Guid requestId)
    {
        List<JsonElement> found = [];
        await Eventually.TrueAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement[]>($"/api/comparisons?flag={flag}&limit=200");
            found = page!.Where(c => c.GetProperty("requestId").GetGuid() == requestId).ToList();
            return found.Count > 0;
        }, TimeSpan.FromSeconds(10), $"a {flag} comparison for request {requestId}");
        return found;
    }
}
