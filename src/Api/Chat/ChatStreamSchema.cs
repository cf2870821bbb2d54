using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Pipeline.Api.Chat;

/// <summary>
/// Describes the chat stream's items: each SSE event's <c>data</c> is one of the <see cref="ChatEvent"/> records, named
/// by its <c>type</c> (also the SSE event name). The records are not a JSON-polymorphic hierarchy (SignalR writes stream
/// items by their runtime type), so the generator alone would show only the base record.
/// </summary>
internal static class ChatStreamSchema
{
    public const string EventStream = "text/event-stream";

    private static readonly Type[] Events = [typeof(RoutedEvent), typeof(TokenEvent), typeof(ResetEvent), typeof(DoneEvent), typeof(ErrorEvent)];

    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok!.Content?.TryGetValue(EventStream, out var stream) != true)
            return;

        var items = new List<IOpenApiSchema>();
        foreach (var type in Events)
        {
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            // The type is a constant of each record; reading it from an uninitialised instance keeps one source of truth.
            var name = ((ChatEvent)RuntimeHelpers.GetUninitializedObject(type)).Type;
            if (schema.Properties is not null)
                schema.Properties["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(name)] };
            schema.Required?.Add("type");
            context.Document!.AddComponent(type.Name, schema);
            items.Add(new OpenApiSchemaReference(type.Name, context.Document));
        }
        stream!.Schema = new OpenApiSchema
        {
            Description = "One SSE event per chat event: `event:` is its type, `data:` this JSON. The stream ends after `done` or `error`.",
            OneOf = items,
        };
    }
}
