using System.Collections.Frozen;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Persistence.Comparisons;

/// <summary>
/// The names comparison kinds and outcomes are stored under (<c>feature_flag_comparisons</c>, the API, the summary's
/// SQL): the same as their JSON names on the wire, taken from the contract so the two cannot drift apart.
/// </summary>
public static class ComparisonNames
{
    private static readonly FrozenDictionary<ComparisonKind, string> Kinds = NamesOf<ComparisonKind>();
    private static readonly FrozenDictionary<ComparedOutcome, string> Outcomes = NamesOf<ComparedOutcome>();

    public static string Of(ComparisonKind kind) => Kinds[kind];

    public static string Of(ComparedOutcome outcome) => Outcomes[outcome];

    private static FrozenDictionary<T, string> NamesOf<T>()
        where T : struct, Enum =>
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(v))!);
}
