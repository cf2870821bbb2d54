using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// Reads EU Publications Office Formex 4 acts: each <c>ARTICLE</c> (number from its IDENTIFIER, title from
/// <c>STI.ART</c>, text from its paragraphs and lists) and each recital (<c>CONSID</c>).
/// </summary>
internal static class FormexParser
{
    public const string DtdRefused = "A Formex document must not declare a DTD (<!DOCTYPE>): entity declarations are refused.";

    // No DTD, no entities, nothing fetched: an internal entity can expand a few hundred bytes into gigabytes
    // (a "billion laughs"), and Formex acts as published need none.
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
    };

    /// <exception cref="XmlException">The document is not well-formed XML, or it declares a DTD.</exception>
    public static ParsedDocument Parse(string xml, string fallbackTitle)
    {
        XDocument document;
        using (var reader = XmlReader.Create(new StringReader(xml), Settings))
        {
            try
            {
                document = XDocument.Load(reader, LoadOptions.None);
            }
            catch (XmlException ex) when (xml.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            {
                throw new XmlException(DtdRefused, ex);
            }
        }

        var title = document.Descendants("TITLE").Select(t => Flatten(t.Element("TI") ?? t)).FirstOrDefault(t => t.Length > 0) ?? fallbackTitle;
        var language = document.Descendants("LG.DOC").Select(e => e.Value.Trim().ToLowerInvariant()).FirstOrDefault(v => v.Length > 0);

        var sections = new List<DocumentSection>();
        foreach (var recital in document.Descendants("CONSID"))
        {
            var number = recital.Descendants("NO.P").Select(n => n.Value.Trim()).FirstOrDefault();
            var text = Flatten(recital.Descendants("TXT").FirstOrDefault() ?? recital);
            sections.Add(new DocumentSection(null, null, number is null ? "Recital" : $"Recital {number}", text));
        }

        foreach (var article in document.Descendants("ARTICLE"))
        {
            var identifier = (string?)article.Attribute("IDENTIFIER");
            int? number = int.TryParse(identifier, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            var heading = article.Element("TI.ART") is { } ti ? Flatten(ti) : null;
            var articleTitle = article.Element("STI.ART") is { } sti ? Flatten(sti) : null;
            var body = new StringBuilder();
            foreach (var part in article.Elements().Where(e => e.Name.LocalName is not ("TI.ART" or "STI.ART")))
                body.AppendLine(Flatten(part));
            sections.Add(new DocumentSection(number, articleTitle, heading, body.ToString().Trim()));
        }

        var all = string.Join("\n", sections.Select(s => s.Text));
        return new ParsedDocument(title, language ?? LanguageGuesser.Guess(all), sections);
    }

    /// <summary>The element's text with one space between inline pieces and a line break after each block.</summary>
    private static string Flatten(XElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return string.Join("\n", text.ToString().Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Where(l => l.Length > 0));
    }

    private static void Append(XNode node, StringBuilder text)
    {
        switch (node)
        {
            case XText t:
                text.Append(t.Value.Replace('\n', ' '));
                break;
            case XElement e:
                foreach (var child in e.Nodes())
                    Append(child, text);
                if (e.Name.LocalName is "P" or "ALINEA" or "PARAG" or "ITEM" or "TI" or "TXT" or "NP")
                    text.Append('\n');
                else if (e.Name.LocalName is "NO.PARAG" or "NO.P")
                    text.Append(' ');
                break;
        }
    }
}
