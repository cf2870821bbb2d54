using System.Globalization;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.KnowledgeBase;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Real models by configuration alone: every host's <c>Generation:*</c> and embeddings point at an OpenAI-compatible
/// server (as for Ollama or vLLM) that the fixture runs on loopback; the legacy worker asks for one model, the
/// workflow worker for another, so each can be made to fail on its own. The workflow serves (<c>workflow-complete</c> on).
/// </summary>
public sealed class OpenAiCompatibleModelTests(OpenAiCompatibleModelTests.ModelServerSystem system)
    : IClassFixture<OpenAiCompatibleModelTests.ModelServerSystem>, IAsyncLifetime
{
    private const string LegacyModel = "legacy-model";
    private const string WorkflowModel = "workflow-model";
    private const decimal InputPer1k = 0.5m;
    private const decimal OutputPer1k = 1.5m;

    /// <summary>The whole system with its models served by <see cref="OpenAiCompatibleServer"/>.</summary>
    public sealed class ModelServerSystem : PipelineSystem
    {
        public OpenAiCompatibleServer Server { get; private set; } = null!;

        /// <summary>Shorter than the slow model's delay, so a slow workflow answer falls back.</summary>
        public static readonly TimeSpan WorkflowDeadline = TimeSpan.FromSeconds(10);

        protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
        {
            ["Generation:Provider"] = "openai",
            ["Generation:Endpoint"] = Server.Endpoint.ToString(),
            ["Generation:Model"] = WorkflowModel,
            [$"Generation:Pricing:{LegacyModel}:InputPer1kTokens"] = InputPer1k.ToString(CultureInfo.InvariantCulture),
            [$"Generation:Pricing:{LegacyModel}:OutputPer1kTokens"] = OutputPer1k.ToString(CultureInfo.InvariantCulture),
            [$"Generation:Pricing:{WorkflowModel}:InputPer1kTokens"] = InputPer1k.ToString(CultureInfo.InvariantCulture),
            [$"Generation:Pricing:{WorkflowModel}:OutputPer1kTokens"] = OutputPer1k.ToString(CultureInfo.InvariantCulture),
            ["KnowledgeBase:EmbeddingProvider"] = EmbeddingModels.OpenAiProvider,
            ["KnowledgeBase:EmbeddingEndpoint"] = Server.Endpoint.ToString(),
            ["KnowledgeBase:EmbeddingModel"] = "local-embeddings",
            ["Routing:WorkflowDeadline"] = WorkflowDeadline.ToString("c", CultureInfo.InvariantCulture),
        };

        public override async Task InitializeAsync()
        {
            Server = await OpenAiCompatibleServer.StartAsync();
            await base.InitializeAsync();
            await ReplaceLegacyWorkerAsync(new Dictionary<string, string?> { ["Generation:Model"] = LegacyModel });
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    public Task InitializeAsync() => system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled);

    public Task DisposeAsync()
    {
        system.Server.Heal(WorkflowModel);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_models_tokens_reach_a_signalr_caller_and_their_usage_and_cost_are_recorded()
    {
        const string question = "Cos'è il GDPR?";

        var events = await ChatClient.StreamHubAsync(system.ApiAddress, new { message = question });

        Assert.Equal("done", events[^1].Text("type"));
        var result = events[^1].GetProperty("result");
        Assert.Equal("workflow", result.Text("poweredBy"));
        Assert.Equal(OpenAiCompatibleServer.AnswerOf(WorkflowModel), result.Text("text"));
        var tokens = events.Where(e => e.Text("type") == "token").Select(e => e.Text("text")).ToList();
        Assert.True(tokens.Count > 1, "the model's answer should arrive in several pieces");
        Assert.Equal(result.Text("text"), string.Concat(tokens));
        Assert.NotEmpty(result.GetProperty("citations").EnumerateArray());
        var usage = result.GetProperty("usage");
        Assert.Equal(OpenAiCompatibleServer.PromptTokens, usage.GetProperty("inputTokens").GetInt32());
        Assert.Equal(OpenAiCompatibleServer.CompletionTokens, usage.GetProperty("outputTokens").GetInt32());
        var cost = (OpenAiCompatibleServer.PromptTokens * InputPer1k + OpenAiCompatibleServer.CompletionTokens * OutputPer1k) / 1000m;
        Assert.Equal(cost, usage.GetProperty("costUsd").GetDecimal());
        Assert.Contains(question, system.Server.EmbeddedTexts);

        await system.WaitUntilRecordedAsync([result]);
        await using var db = system.CreateDbContext();
        var requestId = result.GetProperty("requestId").GetGuid();
        var saga = await db.Set<ChatRoutingState>().SingleAsync(s => s.CorrelationId == requestId);
        Assert.Equal((OpenAiCompatibleServer.PromptTokens, OpenAiCompatibleServer.CompletionTokens, cost), (saga.InputTokens, saga.OutputTokens, saga.CostUsd));
    }

    [Fact]
    public async Task A_workflow_model_that_answers_500_falls_back_to_the_legacy_model()
    {
        system.Server.Fail(WorkflowModel);
        using var http = system.CreateClient();

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "What is DORA?" });

        Assert.True(response.IsSuccessStatusCode, $"status {response.StatusCode}");
        Assert.True(result.GetProperty("fallback").GetBoolean());
        Assert.Equal("legacy", result.Text("poweredBy"));
        Assert.Equal(OpenAiCompatibleServer.AnswerOf(LegacyModel), result.Text("text"));
        Assert.Contains(WorkflowModel, system.Server.ChatRequests);
    }

    [Fact]
    public async Task A_workflow_model_slower_than_its_deadline_falls_back_to_the_legacy_model()
    {
        system.Server.Delay(WorkflowModel, ModelServerSystem.WorkflowDeadline + TimeSpan.FromSeconds(3));
        using var completions = new ConsumedMessages<ChatCompleted>(system.Coordinator.Services.GetRequiredService<IBus>());
        using var http = system.CreateClient();

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "What does the CRA require of manufacturers?" });

        Assert.True(response.IsSuccessStatusCode, $"status {response.StatusCode}");
        Assert.True(result.GetProperty("fallback").GetBoolean());
        Assert.Equal("legacy", result.Text("poweredBy"));
        Assert.Equal(OpenAiCompatibleServer.AnswerOf(LegacyModel), result.Text("text"));
        // The late workflow answer still comes; wait for it so it does not occupy the worker in the next test.
        var requestId = result.GetProperty("requestId").GetGuid();
        await completions.WaitForAsync(c => c.RequestId == requestId && c.Pipeline == ChatPipeline.Workflow, "the late workflow answer reaches the saga");
    }
}
