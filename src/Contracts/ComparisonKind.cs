using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>What a comparison compares: whole chat answers, or the output of one workflow step.</summary>
/// <remarks>Written as its lower-case name under any serializer options, so the wire and the stored rows read the same.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<ComparisonKind>))]
public enum ComparisonKind
{
    [JsonStringEnumMemberName("chat")] Chat,
    [JsonStringEnumMemberName("analysis")] Analysis,
    [JsonStringEnumMemberName("cache")] Cache,
    [JsonStringEnumMemberName("enhancement")] Enhancement,
    [JsonStringEnumMemberName("retrieval")] Retrieval,
    [JsonStringEnumMemberName("generation")] Generation,
}
