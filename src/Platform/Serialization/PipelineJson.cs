using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Platform.Serialization;

/// <summary>The JSON settings of the whole system: stored payloads (answers, step results, audit facts) and bus messages.</summary>
public static class PipelineJson
{
    /// <summary>
    /// For JSON this system stores and reads back: web defaults (camelCase, case-insensitive reading, numbers as
    /// numbers). Enums carried by contracts that must read as text say so on their own type.
    /// </summary>
    public static JsonSerializerOptions Options => JsonSerializerOptions.Web;

    /// <summary>
    /// Applies the system's settings to the bus serializer's options. MassTransit keeps an instance of its own (it
    /// adds converters for its envelope); on top of the same web naming it gets enums as their names, so messages stay
    /// readable in the broker's UI and in error queues, and reads commands sent in an earlier shape.
    /// </summary>
    public static JsonSerializerOptions ConfigureBus(JsonSerializerOptions bus)
    {
        // MassTransit's options are process-wide, and a test process hosts several buses: add each converter once.
        if (!bus.Converters.Any(c => c is JsonStringEnumConverter))
            bus.Converters.Add(new JsonStringEnumConverter());
        if (!bus.Converters.Any(c => c is ExecuteChatJsonConverter))
            bus.Converters.Add(new ExecuteChatJsonConverter());
        return bus;
    }
}
