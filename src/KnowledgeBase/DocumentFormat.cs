
namespace Pipeline.KnowledgeBase;

/// <summary>The formats ingestion understands.</summary>
public static class DocumentFormat
{
    public const string Markdown = "markdown";
    public const string Text = "text";
    public const string Html = "html";
    public const string Formex = "formex";

    public static readonly IReadOnlyList<string> All = [Markdown, Text, Html, Formex];

    /// <summary>The format implied by a file name, or null when it is not one we read.</summary>
    public static string? FromFileName(string fileName)
    {
        var name = fileName.ToLowerInvariant();
        if (name.EndsWith(".formex.xml", StringComparison.Ordinal) || name.EndsWith(".fmx.xml", StringComparison.Ordinal))
            return Formex;
        return Path.GetExtension(name) switch
        {
            ".md" or ".markdown" => Markdown,
            ".txt" => Text,
            ".html" or ".htm" => Html,
            ".xml" => Formex,
            _ => null,
        };
    }
}
