using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// Reads Markdown and plain text, including Markdown converted from the Official Journal's PDFs: "Article N"
/// (or "Articolo N") headings and lines open an article; running headers and page furniture are dropped; words
/// hyphenated across lines are joined. HTML comments are not text: the title is a <c>Title:</c> inside one
/// (<c>&lt;!-- METADATA: Title: EU AI Act --&gt;</c>), else the first heading, else the first line.
/// </summary>
internal static partial class MarkdownParser
{
    public static ParsedDocument Parse(string content, string fallbackTitle)
    {
        var lines = JoinHyphenation(content.Replace("\r\n", "\n").Split('\n'));
        string? metadataTitle = null;
        string? headingTitle = null;
        string? firstLine = null;
        var inComment = false;
        var sections = new List<DocumentSection>();
        int? article = null;
        string? articleTitle = null;
        string? heading = null;
        var text = new StringBuilder();

        void Flush()
        {
            var body = text.ToString().Trim();
            if (body.Length > 0 || article is not null)
                sections.Add(new DocumentSection(article, articleTitle, heading, body));
            text.Clear();
        }

        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (inComment || line.TrimStart().StartsWith("<!--", StringComparison.Ordinal))
            {
                inComment = !line.Contains("-->", StringComparison.Ordinal);
                if (MetadataTitle().Match(line) is { Success: true } metadata)
                    metadataTitle ??= metadata.Groups["title"].Value.Trim();
                continue;
            }

            if (IsPageFurniture(line))
                continue;

            var headingMatch = HeadingLine().Match(line);
            var headingText = headingMatch.Success ? headingMatch.Groups["text"].Value.Trim().TrimEnd('`') : null;
            var articleMatch = ArticleLine().Match(headingText ?? line.Trim());
            // Outside headings only a bare "Article N" line opens an article: wrapped body text often starts with
            // "Article 3 of Directive …".
            if (articleMatch.Success && (headingMatch.Success || articleMatch.Groups["title"].Value.Trim().Length == 0))
            {
                Flush();
                article = int.Parse(articleMatch.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
                var rest = articleMatch.Groups["title"].Value.Trim(' ', ':', '-', '–', '`');
                articleTitle = rest.Length > 0 ? rest : null;
                heading = headingText ?? line.Trim();
                continue;
            }

            if (headingMatch.Success)
            {
                headingTitle ??= headingText;
                Flush();
                article = null;
                articleTitle = null;
                heading = headingText;
                continue;
            }

            if (article is not null && articleTitle is null && text.Length == 0 && line.Trim().Length is > 0 and <= MaxArticleLineLength && !line.TrimEnd().EndsWith('.'))
            {
                // PDF-derived text puts the article's title on the line after "Article N".
                articleTitle = line.Trim();
                continue;
            }

            firstLine ??= line.Trim().Length > 0 ? line.Trim() : null;
            text.AppendLine(line);
        }

        Flush();
        var all = string.Join("\n", sections.Select(s => s.Text));
        var title = metadataTitle ?? headingTitle ?? firstLine;
        return new ParsedDocument(string.IsNullOrWhiteSpace(title) ? fallbackTitle : title, LanguageGuesser.Guess(all), sections);
    }

    private const int MaxArticleLineLength = 160;

    private static bool IsPageFurniture(string line)
    {
        var trimmed = line.Trim();
        return RunningHeader().IsMatch(trimmed) || trimmed is "EN" or "IT";
    }

    private static IEnumerable<string> JoinHyphenation(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            while (line.EndsWith('-') && !line.EndsWith(" -") && i + 1 < lines.Length && lines[i + 1].Length > 0 && char.IsLower(lines[i + 1][0]))
                line = line[..^1] + lines[++i];
            yield return line;
        }
    }

    [GeneratedRegex(@"\bTitle:\s*(?<title>.+?)\s*(?:-->|$)", RegexOptions.IgnoreCase)]
    private static partial Regex MetadataTitle();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+)$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(?:Article|Articolo|Art\.)\s+(?<n>\d{1,3})(?<title>(?:\s*[:\-–]\s*|\s+)?.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex ArticleLine();

    [GeneratedRegex(@"^(L \d+/\d+|\d+/\d+ ELI: .*|OJ L,? .*|Official Journal of the European Union|Gazzetta ufficiale dell'Unione europea|\d{1,2}\.\d{1,2}\.\d{4})$")]
    private static partial Regex RunningHeader();
}
