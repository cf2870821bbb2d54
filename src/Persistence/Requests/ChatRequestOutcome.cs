using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Platform.Serialization;

namespace Pipeline.Persistence.Requests;

/// <summary>
/// How a caller's request ended, as the caller was told (<c>chat_request_outcomes</c>): the served answer, or the
/// failure the saga sent. Written in the transaction that decided it (the worker's serving claim, or the saga's
/// abandoning one), so a caller whose API instance died can still fetch it by request id.
/// </summary>
public sealed class ChatRequestOutcome
{
    public const int ServedStatus = 200;
    public const int MaxTitleLength = 512;

    public Guid RequestId { get; set; }
    public int Attempt { get; set; }

    /// <summary>200 for an answer; otherwise the failure's HTTP status (502, 504).</summary>
    public int Status { get; set; }

    /// <summary>The failure's title; null for an answer.</summary>
    public string? Title { get; set; }

    public ChatPipeline? PoweredBy { get; set; }
    public RoutingMode? Mode { get; set; }
    public bool Fallback { get; set; }

    /// <summary>The served <see cref="ChatAnswer"/> (JSON); null for a failure.</summary>
    public string? Answer { get; set; }

    public DateTime CompletedAt { get; set; }

    public static ChatRequestOutcome Served(ExecuteChat command, ChatAnswer answer, DateTime at) => new()
    {
        RequestId = command.RequestId,
        Attempt = command.Attempt,
        Status = ServedStatus,
        PoweredBy = command.Pipeline,
        Mode = command.Execution.Mode,
        Fallback = command.Execution.Fallback,
        Answer = JsonSerializer.Serialize(answer, PipelineJson.Options),
        CompletedAt = at,
    };

    public static ChatRequestOutcome Failed(Guid requestId, int attempt, int status, string title, DateTime at) => new()
    {
        RequestId = requestId,
        Attempt = attempt,
        Status = status,
        Title = title.Length <= MaxTitleLength ? title : title[..MaxTitleLength],
        CompletedAt = at,
    };

    public ChatAnswer? ReadAnswer() => Answer is null ? null : JsonSerializer.Deserialize<ChatAnswer>(Answer, PipelineJson.Options);
}
