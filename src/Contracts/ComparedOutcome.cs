using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>What became of the new side of a compared pair; only a completed one has a result to score.</summary>
/// <remarks>Written as its lower-case name under any serializer options, so the wire and the stored rows read the same.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<ComparedOutcome>))]
public enum ComparedOutcome
{
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>The new side never answered within the saga's wait.</summary>
    [JsonStringEnumMemberName("missing")] Missing,
}
