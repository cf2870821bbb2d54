using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Flags;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The original design's end-to-end scenarios through the public API, on the real EU legislation of ../shared/corpus
/// plus the sample notes, answered by the legacy pipeline and by the workflow pipeline with its new steps on.
/// </summary>
public sealed class KnowledgeScenarioTests(KnowledgeScenarioTests.CorpusSystem system) : IClassFixture<KnowledgeScenarioTests.CorpusSystem>
{
    /// <summary>
    /// A system whose knowledge base also holds the shared corpus, embedded by the hashing generator: the scenarios are
    /// about routing and answering, and the local semantic model would take minutes over the whole corpus.
    /// </summary>
    public sealed class CorpusSystem : PipelineSystem
    {
        protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
        {
            ["KnowledgeBase:EmbeddingProvider"] = EmbeddingModels.HashingProvider,
        };

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await using var scope = Api.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>().IngestDirectoryAsync(RepositoryPaths.SharedCorpus, null, CancellationToken.None);
        }

        /// <summary>Routes everything to one pipeline; the workflow runs with its new analysis, enhancement and retrieval.</summary>
        public async Task UseAsync(string pipeline)
        {
            var workflow = pipeline == "workflow";
            await SetFlagAsync(MigrationFlags.WorkflowComplete, workflow ? FlagStatus.Enabled : FlagStatus.Disabled);
            await SetFlagAsync(MigrationFlags.WorkflowAnalysis, workflow ? FlagStatus.Enabled : FlagStatus.Disabled);
            await SetFlagAsync(MigrationFlags.WorkflowEnhancement, workflow ? FlagStatus.Enabled : FlagStatus.Disabled);
            await SetFlagAsync(MigrationFlags.WorkflowRetrieval, workflow ? FlagStatus.Enabled : FlagStatus.Disabled);
        }
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("workflow")]
    public async Task A_definition_question_mentions_gdpr_and_cites_a_source(string pipeline)
    {
        var result = await AskAsync(pipeline, "Cos'è il GDPR?");

        Assert.Contains("GDPR", result.Text("text"), StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(result.GetProperty("citations").EnumerateArray());
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("workflow")]
    public async Task Article_28_of_the_gdpr_returns_a_source_with_article_number_28(string pipeline)
    {
        var result = await AskAsync(pipeline, "Articolo 28 del GDPR");

        Assert.Contains(result.GetProperty("sources").EnumerateArray(), s =>
            s.GetProperty("articleNumber").ValueKind == JsonValueKind.Number && s.GetProperty("articleNumber").GetInt32() == 28);
        Assert.Contains("[1]", result.Text("text"));
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("workflow")]
    public async Task A_comparison_question_cites_both_regulations(string pipeline)
    {
        var result = await AskAsync(pipeline, "Confronta GDPR e ESPR");

        var cited = result.GetProperty("citations").EnumerateArray().Select(c => c.Text("sourceId")).ToHashSet();
        var documents = result.GetProperty("sources").EnumerateArray()
            .Where(s => cited.Contains(s.Text("id")))
            .Select(s => Guid.Parse(s.Text("documentId")))
            .ToList();
        await using var db = system.CreateDbContext();
        var regulations = await db.Set<KnowledgeDocument>().Where(d => documents.Contains(d.Id)).Select(d => d.Regulation).Distinct().ToListAsync();
        Assert.Contains("GDPR", regulations);
        Assert.Contains("ESPR", regulations);
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("workflow")]
    public async Task The_count_question_answers_with_the_real_number_of_documents(string pipeline)
    {
        using var admin = system.CreateAdminClient();
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/documents/stats");

        var result = await AskAsync(pipeline, "Quanti documenti ci sono nel database?");

        Assert.Contains($"{stats.GetProperty("documents").GetInt32()} documenti", result.Text("text"));
    }

    [Fact]
    public async Task The_same_question_twice_is_answered_from_the_cache_the_second_time_with_less_work()
    {
        const string question = "What does DORA require for ICT third-party risk?";
        var first = await AskAsync("legacy", question);
        var second = await AskAsync("legacy", question);

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.Text("text"), second.Text("text"));
        await system.WaitUntilRecordedAsync([first, second]);
        await using var db = system.CreateDbContext();
        var ids = new[] { first.GetProperty("requestId").GetGuid(), second.GetProperty("requestId").GetGuid() };
        var served = await db.Set<ChatRoutingState>().Where(s => ids.Contains(s.CorrelationId)).ToDictionaryAsync(s => s.CorrelationId, s => s.ServedAnswer!);
        long Work(Guid id) => JsonDocument.Parse(served[id]).RootElement.GetProperty("durationMs").GetInt64();
        Assert.True(Work(ids[1]) <= Work(ids[0]), $"cached {Work(ids[1])} ms vs fresh {Work(ids[0])} ms");
    }

    [Fact]
    public async Task A_document_posted_to_the_api_is_searchable_and_posting_it_again_changes_nothing()
    {
        using var admin = system.CreateAdminClient();
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/documents/stats");
        var upload = new { sourceKey = "nis2-note.md", title = "NIS2 note", format = "markdown", content = "# NIS2\n\n## Article 21 Cybersecurity risk-management measures\nEssential entities take zebra-grade measures." };

        var created = await admin.PostAsJsonAsync("/api/documents", upload);
        var again = await admin.PostAsJsonAsync("/api/documents", upload);
        var invalid = await admin.PostAsJsonAsync("/api/documents", new { sourceKey = "x.md", format = "pdf", content = "x" });
        var anonymous = await system.CreateClient().PostAsJsonAsync("/api/documents", upload);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Unchanged", (await again.Content.ReadFromJsonAsync<JsonElement>()).Text("outcome"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/documents/stats");
        Assert.Equal(before.GetProperty("documents").GetInt32() + 1, after.GetProperty("documents").GetInt32());
        var answer = await AskAsync("legacy", "zebra");
        Assert.Contains("zebra-grade", answer.Text("text"));
    }

    [Fact]
    public async Task A_follow_up_in_the_same_conversation_is_answered_with_memory_loaded_and_summarised()
    {
        await system.SetFlagAsync(MigrationFlags.MemoryLoading, FlagStatus.Enabled);
        await system.SetFlagAsync(MigrationFlags.MemorySummarization, FlagStatus.Enabled);
        var conversationId = Guid.NewGuid();

        var first = await AskAsync("workflow", "Cos'è il GDPR?", conversationId);
        var second = await AskAsync("workflow", "E cosa dice l'articolo 28?", conversationId);

        Assert.Equal(conversationId, first.GetProperty("conversationId").GetGuid());
        Assert.Equal(conversationId, second.GetProperty("conversationId").GetGuid());
        await using var db = system.CreateDbContext();
        var turns = await db.Set<Pipeline.Persistence.Conversations.ConversationMessage>().Where(m => m.ConversationId == conversationId).CountAsync();
        Assert.Equal(4, turns);
    }

    [Fact]
    public async Task Vector_searches_run_with_the_hnsw_width_the_retrieval_benchmark_chose()
    {
        await using var scope = system.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Pipeline.Persistence.PipelineDbContext>();
        var width = await db.Database.SqlQueryRaw<string>("SELECT current_setting('hnsw.ef_search') AS \"Value\"").SingleAsync();
        Assert.Equal(Pipeline.Persistence.DatabaseOptions.DefaultHnswEfSearch.ToString(System.Globalization.CultureInfo.InvariantCulture), width);
    }

    private async Task<JsonElement> AskAsync(string pipeline, string question, Guid? conversationId = null)
    {
        await system.UseAsync(pipeline);
        using var http = system.CreateClient();
        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = question, conversationId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(pipeline, result.Text("poweredBy"));
        return result;
    }
}
