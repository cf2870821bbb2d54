using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pipeline.KnowledgeBase;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// A local stand-in for Ollama, vLLM or any OpenAI-compatible server, on loopback: <c>POST /v1/chat/completions</c>
/// streamed as server-sent events (pieces of a fixed answer citing [1], then a usage chunk) and
/// <c>POST /v1/embeddings</c> (deterministic 384-dimension vectors). Per model it can answer normally, slowly or with a 500.
/// </summary>
public sealed class OpenAiCompatibleServer : IAsyncDisposable
{
    public const int PromptTokens = 120;
    public const int CompletionTokens = 9;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Func<CancellationToken, Task<bool>>> _behaviours = new(StringComparer.Ordinal);
    private readonly WebApplication _app;

    private OpenAiCompatibleServer(WebApplication app) => _app = app;

    /// <summary>The base address clients are configured with (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Model of every chat request received, in order.</summary>
    public ConcurrentQueue<string> ChatRequests { get; } = new();

    /// <summary>Every text an embeddings request asked for.</summary>
    public ConcurrentQueue<string> EmbeddedTexts { get; } = new();

    /// <summary>The answer a model streams: it names the model so a test can tell which model answered.</summary>
    public static string AnswerOf(string model) => $"According to the source [1], {model} answers.";

    public static async Task<OpenAiCompatibleServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new OpenAiCompatibleServer(app);
        app.MapPost("/v1/chat/completions", server.ChatAsync);
        app.MapPost("/v1/embeddings", server.EmbeddingsAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.First().TrimEnd('/') + "/v1/");
        return server;
    }

    /// <summary>The model answers every request with a 500.</summary>
    public void Fail(string model) => _behaviours[model] = _ => Task.FromResult(false);

    /// <summary>The model starts answering only after <paramref name="delay"/>.</summary>
    public void Delay(string model, TimeSpan delay) => _behaviours[model] = async ct =>
    {
        await Task.Delay(delay, ct);
        return true;
    };

    /// <summary>The model answers at once again.</summary>
    public void Heal(string model) => _behaviours.TryRemove(model, out _);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ChatAsync(HttpContext context)
    {
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var model = request?["model"]?.GetValue<string>() ?? "";
        ChatRequests.Enqueue(model);
        if (_behaviours.TryGetValue(model, out var behaviour) && !await behaviour(context.RequestAborted))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "injected failure", type = "server_error" } }, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        foreach (var piece in Pieces(AnswerOf(model)))
        {
            await WriteEventAsync(context, new
            {
                id, @object = "chat.completion.chunk", created = 0, model,
                choices = new[] { new { index = 0, delta = new { role = "assistant", content = piece }, finish_reason = (string?)null } },
            });
        }

        await WriteEventAsync(context, new
        {
            id, @object = "chat.completion.chunk", created = 0, model,
            choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } },
        });
        // The final usage chunk, as OpenAI sends it when the request asks for stream_options.include_usage (and as
        // vLLM and Ollama send it): no choices, only the token counts.
        await WriteEventAsync(context, new
        {
            id, @object = "chat.completion.chunk", created = 0, model, choices = Array.Empty<object>(),
            usage = new { prompt_tokens = PromptTokens, completion_tokens = CompletionTokens, total_tokens = PromptTokens + CompletionTokens },
        });
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var model = request?["model"]?.GetValue<string>() ?? "";
        var input = request?["input"] switch
        {
            JsonArray array => array.Select(n => n!.GetValue<string>()).ToList(),
            JsonNode node => [node.GetValue<string>()],
            null => [],
        };
        var dimensions = request?["dimensions"]?.GetValue<int>() ?? new KnowledgeBaseOptions().EmbeddingDimensions;
        var base64 = request?["encoding_format"]?.GetValue<string>() == "base64";
        var data = input.Select((text, i) =>
        {
            EmbeddedTexts.Enqueue(text);
            var vector = HashingEmbeddingGenerator.Embed(text, dimensions);
            object embedding = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : vector;
            return new { @object = "embedding", index = i, embedding };
        }).ToList();
        await context.Response.WriteAsJsonAsync(new
        {
            @object = "list", data, model,
            usage = new { prompt_tokens = input.Sum(t => t.Length / 4 + 1), total_tokens = input.Sum(t => t.Length / 4 + 1) },
        }, context.RequestAborted);
    }

    private static IEnumerable<string> Pieces(string answer)
    {
        var words = answer.Split(' ');
        return words.Select((w, i) => i == 0 ? w : " " + w);
    }

    private static async Task WriteEventAsync(HttpContext context, object chunk)
    {
        await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk, Json)}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
