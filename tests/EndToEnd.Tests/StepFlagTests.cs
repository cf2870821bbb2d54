using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Flags;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.KnowledgeBase;
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

    [Fact]
    public async Task With_its_generation_step_shadowed_the_caller_is_streamed_only_the_legacy_generators_answer_and_the_pair_is_recorded_as_generation()
    {
        await UseOneRetrievalForBothGeneratorsAsync();
        await system.SetFlagAsync(MigrationFlags.WorkflowGeneration, FlagStatus.Disabled);
        var legacy = await AskFreshAsync(ComparisonQuestion);

        await system.SetFlagAsync(MigrationFlags.WorkflowGeneration, FlagStatus.Shadow);
        using var http = system.CreateClient();
        var (response, events) = await ChatClient.PostSseAsync(http, new { message = ComparisonQuestion, webSearchEnabled = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(events, e => e.Event == "reset");
        var served = Assert.Single(events, e => e.Event == "done").Data.GetProperty("result");
        var streamed = string.Concat(events.Where(e => e.Event == "token").Select(e => e.Data.Text("text")));
        Assert.Equal(legacy.Text("text"), streamed);
        Assert.Equal(streamed, served.Text("text"));
        Assert.Equal(Ids(legacy), Ids(served));
        using var admin = system.CreateAdminClient();
        var pair = Assert.Single(await ComparisonsOfAsync(admin, MigrationFlags.WorkflowGeneration, served.GetProperty("requestId").GetGuid()));
        Assert.Equal("generation", pair.Text("kind"));
        Assert.Equal("completed", pair.Text("newOutcome"));
        Assert.Equal(streamed, pair.GetProperty("oldResult").Text("text"));
        // The new generator answered otherwise, so any piece of it reaching the caller would have changed the stream.
        Assert.NotEqual(streamed, pair.GetProperty("newResult").Text("text"));
        Assert.False(pair.GetProperty("match").GetBoolean(), pair.GetProperty("diff").ToString());
    }

    [Fact]
    public async Task With_its_generation_step_on_a_comparison_cites_one_source_of_each_regulation_first_where_legacy_generation_keeps_retrievals_order()
    {
        await UseOneRetrievalForBothGeneratorsAsync();
        await system.SetFlagAsync(MigrationFlags.WorkflowGeneration, FlagStatus.Disabled);
        var legacy = await AskFreshAsync(ComparisonQuestion);
        await system.SetFlagAsync(MigrationFlags.WorkflowGeneration, FlagStatus.Enabled);
        var modern = await AskFreshAsync(ComparisonQuestion);

        // The same passages reach both generators; only their order and what is made of them differ.
        Assert.Equal(Ids(legacy).Order(), Ids(modern).Order());
        var legacyScores = legacy.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(legacyScores.OrderDescending(), legacyScores);
        var regulations = await RegulationsOfAsync(modern);
        Assert.Equal(["GDPR", "DORA"], regulations.Take(2));
        Assert.NotEqual(Ids(legacy), Ids(modern));
        var cited = modern.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("index").GetInt32()).ToList();
        Assert.Equal([1, 2], cited.Take(2));
    }

    /// <summary>A comparison, so the new generation orders its sources by regulation.</summary>
    private const string ComparisonQuestion = "Compare GDPR and DORA";

    /// <summary>The workflow serves, with the legacy retrieval (so both generators get the same passages) and the new analysis.</summary>
    private async Task UseOneRetrievalForBothGeneratorsAsync()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled);
        await system.SetFlagAsync(MigrationFlags.WorkflowAnalysis, FlagStatus.Enabled);
        await system.SetFlagAsync(MigrationFlags.WorkflowRetrieval, FlagStatus.Disabled);
    }

    /// <summary>
    /// Asks with web search requested, which skips the semantic cache (web results are fresh by request), so the
    /// same question is generated again; the test system configures no search engine, so the sources stay the
    /// knowledge base's.
    /// </summary>
    private async Task<JsonElement> AskFreshAsync(string question)
    {
        using var http = system.CreateClient();
        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = question, webSearchEnabled = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("workflow", result.Text("poweredBy"));
        Assert.False(result.GetProperty("cached").GetBoolean());
        return result;
    }

    private static List<string> Ids(JsonElement answer) => answer.GetProperty("sources").EnumerateArray().Select(s => s.Text("id")).ToList();

    /// <summary>The regulation of each source's document, in the answer's source order.</summary>
    private async Task<List<string>> RegulationsOfAsync(JsonElement answer)
    {
        var documents = answer.GetProperty("sources").EnumerateArray().Select(s => Guid.Parse(s.Text("documentId"))).ToList();
        await using var db = system.CreateDbContext();
        var regulations = await db.Set<KnowledgeDocument>().Where(d => documents.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Regulation);
        return documents.Select(id => regulations[id]).ToList();
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
