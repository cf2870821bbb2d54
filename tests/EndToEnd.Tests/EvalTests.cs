using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Evals on sampled answers (issue #6, contract §4): served answers picked by <c>evals-sampling</c> and every shadow
/// mismatch are scored by the coordination host, low scores are flagged for review at <c>GET /api/evals?flagged=true</c>,
/// and a review (<c>POST /api/evals/{id}/review</c>) clears the flag.
/// </summary>
public sealed class EvalTests(EvalTests.EvalSystem system) : IClassFixture<EvalTests.EvalSystem>
{
    /// <summary>A system without noise-floor sampling, so the only shadow pair of a request is legacy vs workflow.</summary>
    public sealed class EvalSystem : PipelineSystem
    {
        protected override IDictionary<string, string?> Overrides
        {
            get
            {
                var overrides = base.Overrides;
                overrides["Routing:NoiseSampleRate"] = "0";
                return overrides;
            }
        }
    }

    [Fact]
    public async Task With_evals_sampling_at_100_percent_a_served_answer_gets_one_eval()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        await system.SetFlagAsync(MigrationFlags.EvalsSampling, FlagStatus.Enabled);
        using var http = system.CreateClient();
        using var admin = system.CreateAdminClient();
        const string question = "Cos'è il GDPR?";

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = question });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = result.GetProperty("requestId").GetGuid();
        var eval = await EventuallyEvalAsync(admin, requestId, "sampled");
        Assert.Equal(question, eval.Text("question"));
        Assert.Equal("legacy", eval.Text("pipeline"));
        Assert.Equal("evals-v1", eval.Text("evaluatorVersion"));
        Assert.Equal(result.Text("text"), eval.GetProperty("answer").Text("text"));
        Assert.Equal(result.GetProperty("sources").GetArrayLength(), eval.GetProperty("answer").GetProperty("sources").GetArrayLength());
        foreach (var score in new[] { "citationQuality", "groundedness", "answerRelevance" })
            Assert.InRange(eval.GetProperty(score).GetDouble(), 0.0, 1.0);
        // The extractive answer quotes its passages and cites each of them: nothing for a human to look at.
        Assert.Equal(1.0, eval.GetProperty("groundedness").GetDouble());
        Assert.False(eval.GetProperty("flagged").GetBoolean(), eval.GetRawText());
        Assert.Equal(JsonValueKind.Null, eval.GetProperty("review").ValueKind);
        Assert.Single(await EvalsAsync(admin, "?limit=500"), e => e.GetProperty("requestId").GetGuid() == requestId);
    }

    [Fact]
    public async Task With_evals_sampling_disabled_a_served_answer_is_not_evaluated()
    {
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        await system.SetFlagAsync(MigrationFlags.EvalsSampling, FlagStatus.Disabled);
        using var http = system.CreateClient();
        using var admin = system.CreateAdminClient();

        var (_, result) = await ChatClient.PostJsonAsync(http, new { message = "Che cos'è il Data Act?" });
        // A sample published after this one is scored by the same consumer; once it is there, the served answer had its chance.
        var marker = await PublishSampleAsync("Marker question", "Marker answer [1].");
        await EventuallyEvalAsync(admin, marker, "sampled");

        var requestId = result.GetProperty("requestId").GetGuid();
        Assert.DoesNotContain(await EvalsAsync(admin, "?limit=500"), e => e.GetProperty("requestId").GetGuid() == requestId);
    }

    [Fact]
    public async Task A_shadow_mismatch_sends_the_workflow_answer_to_evaluation()
    {
        await system.SetFlagAsync(MigrationFlags.EvalsSampling, FlagStatus.Disabled);
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Shadow);
        await system.SetFlagAsync(MigrationFlags.WorkflowAnalysis, FlagStatus.Enabled);
        await system.SetFlagAsync(MigrationFlags.WorkflowEnhancement, FlagStatus.Enabled);
        await system.SetFlagAsync(MigrationFlags.WorkflowRetrieval, FlagStatus.Enabled);
        using var http = system.CreateClient();
        using var admin = system.CreateAdminClient();
        const string question = "What does DORA require of financial entities?";

        var (_, result) = await ChatClient.PostJsonAsync(http, new { message = question });

        var requestId = result.GetProperty("requestId").GetGuid();
        Assert.Equal("legacy", result.Text("poweredBy"));
        var comparison = await EventuallyComparisonAsync(admin, requestId);
        Assert.False(comparison.GetProperty("match").GetBoolean(), "the workflow's own retrieval should answer differently");
        var eval = await EventuallyEvalAsync(admin, requestId, "shadow-mismatch");
        Assert.Equal("workflow", eval.Text("pipeline"));
        Assert.Equal(question, eval.Text("question"));
        Assert.Equal(comparison.GetProperty("newResult").Text("text"), eval.GetProperty("answer").Text("text"));
        Assert.DoesNotContain(await EvalsAsync(admin, "?limit=500"),
            e => e.GetProperty("requestId").GetGuid() == requestId && e.Text("reason") == "sampled");
    }

    [Fact]
    public async Task A_low_scoring_answer_is_flagged_listed_and_a_review_clears_the_flag()
    {
        using var admin = system.CreateAdminClient();
        var requestId = await PublishSampleAsync("Cos'è il GDPR?",
            "Il GDPR obbliga ogni cittadino a pagare una tassa annuale sui gatti domestici [7].");

        var eval = await EventuallyEvalAsync(admin, requestId, "sampled");

        Assert.True(eval.GetProperty("flagged").GetBoolean());
        Assert.True(eval.GetProperty("citationQuality").GetDouble() < 0.5, "a marker pointing at no source");
        Assert.True(eval.GetProperty("groundedness").GetDouble() < 0.5, "an invented sentence");
        var id = eval.GetProperty("id").GetGuid();
        Assert.Contains(await EvalsAsync(admin, "?flagged=true&limit=500"), e => e.GetProperty("id").GetGuid() == id);

        var response = await admin.PostAsJsonAsync($"/api/evals/{id}/review", new { verdict = "rejected", note = "Invented; cites nothing." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reviewed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(reviewed.GetProperty("flagged").GetBoolean());
        Assert.Equal("rejected", reviewed.GetProperty("review").Text("verdict"));
        Assert.Equal("Invented; cites nothing.", reviewed.GetProperty("review").Text("note"));
        Assert.DoesNotContain(await EvalsAsync(admin, "?flagged=true&limit=500"), e => e.GetProperty("id").GetGuid() == id);
        var listed = Assert.Single(await EvalsAsync(admin, "?flagged=false&limit=500"), e => e.GetProperty("id").GetGuid() == id);
        Assert.Equal("rejected", listed.GetProperty("review").Text("verdict"));
        Assert.False(string.IsNullOrEmpty(listed.GetProperty("review").Text("reviewedBy")));
    }

    [Fact]
    public async Task Bad_review_bodies_are_400_and_change_nothing()
    {
        using var admin = system.CreateAdminClient();
        var requestId = await PublishSampleAsync("Cos'è il GDPR?", "Le sanzioni vengono pagate in bitcoin al garante lunare [3].");
        var id = (await EventuallyEvalAsync(admin, requestId, "sampled")).GetProperty("id").GetGuid();

        var bodies = new (string Body, string ContentType, string Field)[]
        {
            ("{", "application/json", "body"),
            ("{}", "application/json", "verdict"),
            ("""{ "verdict": "maybe" }""", "application/json", "verdict"),
            ("""{ "verdict": 1 }""", "application/json", "body"),
            ("""{ "verdict": "approved", "score": 1 }""", "application/json", "body"),
            (JsonSerializer.Serialize(new { verdict = "approved", note = new string('x', 2001) }), "application/json", "note"),
            ("""{ "verdict": "approved" }""", "text/plain", "body"),
        };
        foreach (var (body, contentType, field) in bodies)
        {
            var response = await admin.PostAsync($"/api/evals/{id}/review", new StringContent(body, Encoding.UTF8, contentType));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{body} should be rejected naming {field}");
        }

        var unchanged = Assert.Single(await EvalsAsync(admin, "?flagged=true&limit=500"), e => e.GetProperty("id").GetGuid() == id);
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("review").ValueKind);
        var unknown = await admin.PostAsJsonAsync($"/api/evals/{Guid.NewGuid()}/review", new { verdict = "approved" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=501", "limit")]
    [InlineData("?flagged=maybe", "flagged")]
    public async Task Bad_list_queries_are_400_naming_the_parameter(string query, string parameter)
    {
        using var admin = system.CreateAdminClient();

        var response = await admin.GetAsync($"/api/evals{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task A_redelivered_sample_is_scored_once()
    {
        using var admin = system.CreateAdminClient();
        var requestId = Guid.NewGuid();

        await PublishSampleAsync("Cos'è il GDPR?", "Il GDPR protegge i dati personali [1].", requestId);
        await PublishSampleAsync("Cos'è il GDPR?", "Il GDPR protegge i dati personali [1].", requestId);
        // A later sample is scored by the same consumer; once it is stored, both deliveries of the first have been handled.
        var later = await PublishSampleAsync("Marker question", "Marker answer [1].");
        await EventuallyEvalAsync(admin, later, "sampled");
        await EventuallyEvalAsync(admin, requestId, "sampled");

        Assert.Single(await EvalsAsync(admin, "?limit=500"), e => e.GetProperty("requestId").GetGuid() == requestId);
    }

    [Fact]
    public async Task Without_an_admin_key_evals_are_401()
    {
        using var http = system.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/evals?flagged=true")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await http.PostAsJsonAsync($"/api/evals/{Guid.NewGuid()}/review", new { verdict = "approved" })).StatusCode);
    }

    /// <summary>Publishes a sample on the bus as the saga would, with one source whose text it does not quote.</summary>
    private async Task<Guid> PublishSampleAsync(string question, string text, Guid? id = null)
    {
        var requestId = id ?? Guid.NewGuid();
        var answer = new ChatAnswer(text, [], [new ChatSource("sample:0", null, "Sample", null, 0.5, "document", null)], false, 5,
            new ChatUsage(0, 0, 0));
        await system.Coordinator.Services.GetRequiredService<IBus>()
            .Publish(new ResultSampled(requestId, question, ChatPipeline.Legacy, answer, "sampled"));
        return requestId;
    }

    private static async Task<JsonElement> EventuallyEvalAsync(HttpClient admin, Guid requestId, string reason)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var match = (await EvalsAsync(admin, "?limit=500"))
                .Where(e => e.GetProperty("requestId").GetGuid() == requestId && e.Text("reason") == reason).ToList();
            if (match.Count == 0)
                return false;
            found = match[0];
            return true;
        }, because: $"request {requestId} should get a '{reason}' eval");
        return found;
    }

    private static async Task<JsonElement> EventuallyComparisonAsync(HttpClient admin, Guid requestId)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var rows = await admin.GetFromJsonAsync<List<JsonElement>>($"/api/comparisons?flag={MigrationFlags.WorkflowComplete}&limit=500");
            var match = rows!.Where(c => c.GetProperty("requestId").GetGuid() == requestId && c.Text("kind") == "chat").ToList();
            if (match.Count == 0)
                return false;
            found = match[0];
            return true;
        }, because: "the shadow pair should be compared");
        return found;
    }

    private static async Task<List<JsonElement>> EvalsAsync(HttpClient admin, string query) =>
        (await admin.GetFromJsonAsync<List<JsonElement>>($"/api/evals{query}"))!;
}
