using System.Net;
using System.Text.RegularExpressions;

namespace Pipeline.Infrastructure.KnowledgeBase;

/// <summary>Reads HTML by turning its structure into Markdown (headings kept, scripts and styles dropped) for <see cref="MarkdownParser"/>.</summary>
public static partial class HtmlParser
{
    public static ParsedDocument Parse(string html, string fallbackTitle)
    {
        var title = TitleElement().Match(html) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups["t"].Value).Trim() : null;
        var text = Invisible().Replace(html, " ");
        text = Heading().Replace(text, m => $"\n{new string('#', int.Parse(m.Groups["level"].Value, System.Globalization.CultureInfo.InvariantCulture))} ");
        text = BlockBreak().Replace(text, "\n");
        text = Tag().Replace(text, " ");
        text = WebUtility.HtmlDecode(text);
        text = Spaces().Replace(text, " ");
        var parsed = MarkdownParser.Parse(text, title ?? fallbackTitle);
        return title is null ? parsed : parsed with { Title = title };
    }

    [GeneratedRegex(@"<title[^>]*>(?<t>.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitleElement();

    [GeneratedRegex(@"<(script|style|head|noscript)[^>]*>.*?</\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<h(?<level>[1-6])[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Heading();

    [GeneratedRegex(@"</(p|div|li|h[1-6]|tr|section|article)>|<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBreak();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
}
