using System.Collections.Frozen;
using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>All flags at one moment, with each flag's ancestors resolved once so evaluation walks an array.</summary>
public sealed class FlagSnapshot
{
    public static readonly FlagSnapshot Empty = new([]);

    private readonly FrozenDictionary<string, Entry> _entries;

    public FlagSnapshot(IEnumerable<FlagDefinition> flags)
    {
        var byName = flags.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _entries = byName.Values.ToFrozenDictionary(f => f.Name, f => new Entry(f, Ancestors(f, byName)), StringComparer.Ordinal);
    }

    public int Count => _entries.Count;

    public IEnumerable<FlagDefinition> Flags => _entries.Values.Select(e => e.Flag);

    public bool TryGet(string name, out FlagDefinition flag, out FlagDefinition[] ancestors)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            (flag, ancestors) = (entry.Flag, entry.Ancestors);
            return true;
        }

        (flag, ancestors) = (null!, []);
        return false;
    }

    private static FlagDefinition[] Ancestors(FlagDefinition flag, Dictionary<string, FlagDefinition> byName)
    {
        var chain = new List<FlagDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { flag.Name };
        for (var parent = flag.Parent; parent is not null && byName.TryGetValue(parent, out var p) && seen.Add(parent); parent = p.Parent)
            chain.Add(p);
        return chain.ToArray();
    }

    private sealed record Entry(FlagDefinition Flag, FlagDefinition[] Ancestors);
}
