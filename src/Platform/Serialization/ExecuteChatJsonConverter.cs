using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Contracts;

namespace Pipeline.Platform.Serialization;

/// <summary>
/// Reads <see cref="ExecuteChat"/> in its grouped shape and in the flat one it had before (seventeen fields side by
/// side), so commands already in a queue or an outbox when the workers are upgraded still run. Writes the grouped shape.
/// </summary>
internal sealed class ExecuteChatJsonConverter : JsonConverter<ExecuteChat>
{
    /// <summary>Only the grouped shape has it.</summary>
    private const string GroupedMarker = "question";

    // The same options without this converter, to read and write the record itself without recursing.
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Plain = new();

    public override ExecuteChat Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var plain = PlainOf(options);
        if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Any(p => string.Equals(p.Name, GroupedMarker, StringComparison.OrdinalIgnoreCase)))
            return root.Deserialize<ExecuteChat>(plain) ?? throw new JsonException("An ExecuteChat is empty.");

        var flat = root.Deserialize<FlatExecuteChat>(plain) ?? throw new JsonException("An ExecuteChat is empty.");
        return flat.Grouped();
    }

    public override void Write(Utf8JsonWriter writer, ExecuteChat value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, PlainOf(options));

    private static JsonSerializerOptions PlainOf(JsonSerializerOptions options) =>
        Plain.GetValue(options, o =>
        {
            var copy = new JsonSerializerOptions(o);
            foreach (var converter in copy.Converters.OfType<ExecuteChatJsonConverter>().ToList())
                copy.Converters.Remove(converter);
            return copy;
        });

    /// <summary>The flat shape, with the defaults it had.</summary>
    private sealed record FlatExecuteChat(
        Guid RequestId,
        Guid ConversationId,
        ChatPipeline Pipeline,
        bool Shadow,
        int Attempt,
        string Message,
        bool WebSearchEnabled,
        string? UserId,
        string? UserGroup,
        string BucketingKey,
        Uri? StreamAddress,
        DateTime Deadline,
        Guid? ReplayId = null,
        int Sample = 0,
        RoutingMode Mode = RoutingMode.Disabled,
        bool Fallback = false,
        bool StreamTokens = true,
        IReadOnlyList<string>? WorkflowSteps = null)
    {
        public ExecuteChat Grouped() => new(
            RequestId, ConversationId, Pipeline, Attempt,
            new ChatQuestion(Message, WebSearchEnabled, UserId, UserGroup, BucketingKey),
            new ExecutionSettings(Shadow, Deadline, Mode, Fallback, ReplayId, Sample, WorkflowSteps),
            StreamAddress is null ? null : new StreamTarget(StreamAddress, StreamTokens));
    }
}
