
namespace Pipeline.KnowledgeBase;

/// <summary>Short names of the regulations the corpus is about, recognised in document keys and in questions.</summary>
public static class RegulationNames
{
    private static readonly (string Key, string Name)[] Known =
    [
        ("gdpr", "GDPR"), ("ai-act", "AI Act"), ("aiact", "AI Act"), ("cra", "CRA"), ("dora", "DORA"), ("espr", "ESPR"), ("nis2", "NIS2"),
    ];

    public static IReadOnlyList<string> All { get; } = Known.Select(k => k.Name).Distinct().ToList();

    /// <summary>The regulation a document key names (<c>gdpr-2016-679-it.formex.xml</c> → GDPR), else the key's first word.</summary>
    public static string FromSourceKey(string sourceKey)
    {
        var key = Path.GetFileName(sourceKey).ToLowerInvariant();
        foreach (var (prefix, name) in Known)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
                return name;
        }

        var first = key.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? key;
        return first.ToUpperInvariant();
    }
}
