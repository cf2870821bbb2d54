
namespace Pipeline.Flags;

/// <summary>The fields a write sets; an unset field keeps its value (PATCH), so "set to null" and "leave alone" differ.</summary>
public sealed record FlagChange
{
    public Optional<string> Description { get; init; }
    public Optional<string> Status { get; init; }
    public Optional<double?> RolloutPercentage { get; init; }
    public Optional<IReadOnlyList<string>> TargetUsers { get; init; }
    public Optional<IReadOnlyList<string>> TargetGroups { get; init; }
    public Optional<string?> Parent { get; init; }
}

/// <summary>A value that may be absent, as distinct from present and null.</summary>
public readonly record struct Optional<T>(bool HasValue, T Value)
{
    public static implicit operator Optional<T>(T value) => new(true, value);

    public T Or(T fallback) => HasValue ? Value : fallback;
}
