using System.Text.Json;
using Pipeline.Platform.Serialization;

namespace Pipeline.Api.Chat;

/// <summary>How chat events are written on the wire: web (camelCase) JSON, each by its own type.</summary>
internal static class ChatEventJson
{
    public static JsonSerializerOptions Options => PipelineJson.Options;

    public static string Serialize(ChatEvent chatEvent) => JsonSerializer.Serialize(chatEvent, chatEvent.GetType(), Options);
}
