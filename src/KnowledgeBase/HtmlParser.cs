using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using HtmlDocumentParser = AngleSharp.Html.Parser.HtmlParser;

namespace Pipeline.KnowledgeBase;

/// <summary>Reads HTML by turning its structure into Markdown (headings kept, scripts and styles dropped) for <see cref="MarkdownParser"/>.</summary>
internal static partial class HtmlParser
{
    // Content a reader never sees: it must not become text, let alone a heading.
    private static readonly HashSet<string> Invisible = new(StringComparer.Ordinal) { "script", "style", "head", "noscript", "template" };

    // Elements that end a line when rendered, so paragraphs, items and rows stay apart for the Markdown parser.
    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "section", "article", "header", "footer", "main",
        "nav", "aside", "blockquote", "pre", "figure", "figcaption", "address", "hr",
    };

    // Cells sit on one line, but their texts must not run together.
    private static readonly HashSet<string> Cells = new(StringComparer.Ordinal) { "td", "th" };

    private const string LineBreak = "br";

    public static ParsedDocument Parse(string html, string fallbackTitle)
    {
        // The parser recovers from malformed markup as a browser does (unclosed and stray tags, bad nesting).
        using var document = new HtmlDocumentParser().ParseDocument(html);
        var title = document.Title is { } t && !string.IsNullOrWhiteSpace(t) ? t.Trim() : null;
        var markdown = new StringBuilder();
        WriteChildren(document.Body ?? document.DocumentElement, markdown, inHeading: false);
        var text = Spaces().Replace(markdown.ToString(), " ");
        var parsed = MarkdownParser.Parse(text, title ?? fallbackTitle);
        return title is null ? parsed : parsed with { Title = title };
    }

    private static void WriteChildren(INode parent, StringBuilder markdown, bool inHeading)
    {
        foreach (var child in parent.ChildNodes)
            Write(child, markdown, inHeading);
    }

    private static void Write(INode node, StringBuilder markdown, bool inHeading)
    {
        switch (node)
        {
            case IText text:
                // A heading is one Markdown line whatever the source's line breaks.
                markdown.Append(inHeading ? LineBreaks().Replace(text.Data, " ") : text.Data);
                break;
            case IElement element when Invisible.Contains(element.LocalName):
                break;
            case IElement { LocalName: LineBreak }:
                markdown.Append(inHeading ? ' ' : '\n');
                break;
            case IElement element when !inHeading && HeadingLevel(element) is > 0 and var level:
                markdown.Append('\n').Append('#', level).Append(' ');
                WriteChildren(element, markdown, inHeading: true);
                markdown.Append('\n');
                break;
            case IElement element:
                WriteChildren(element, markdown, inHeading);
                if (Blocks.Contains(element.LocalName))
                    markdown.Append(inHeading ? ' ' : '\n');
                else if (Cells.Contains(element.LocalName))
                    markdown.Append(' ');
                break;
        }
    }

    /// <summary>1 to 6 for <c>h1</c> to <c>h6</c>, 0 for any other element.</summary>
    private static int HeadingLevel(IElement element) =>
        element.LocalName is ['h', >= '1' and <= '6' and var digit] ? digit - '0' : 0;

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreaks();
}
