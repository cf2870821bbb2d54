using System.Collections.Frozen;

namespace Pipeline.Api.Dashboard;

/// <summary>The dashboard's page, script and style sheet, embedded in the Api assembly: the page must work offline, with no CDN.</summary>
internal static class DashboardAssets
{
    private const string Prefix = "Dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary();

    private static readonly Lazy<FrozenDictionary<string, string>> Files = new(Load);

    /// <summary>An asset's text and content type by file name (<c>dashboard.js</c>), or null for anything not shipped.</summary>
    public static (string Text, string ContentType)? Find(string fileName) =>
        Files.Value.TryGetValue(fileName, out var text) && ContentTypes.TryGetValue(Path.GetExtension(fileName), out var type)
            ? (text, type)
            : null;

    private static FrozenDictionary<string, string> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            files[name[Prefix.Length..]] = reader.ReadToEnd();
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
