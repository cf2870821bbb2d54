using System.Diagnostics;
using System.Xml;
using Pipeline.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>
/// Hostile: a Formex upload that declares internal entities (a "billion laughs" of about 500 bytes). Invariant: DTDs
/// are refused at once with a clear error; nothing is expanded.
/// </summary>
public sealed class FormexDtdTests
{
    [Fact]
    public void An_entity_bomb_is_refused_quickly_with_a_clear_error()
    {
        var entities = string.Join("\n", Enumerable.Range(1, 9).Select(i => $"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">"));
        var bomb = $"""
            <?xml version="1.0"?>
            <!DOCTYPE ACT [
            <!ENTITY l0 "lol">
            {entities}
            ]>
            <ACT><TITLE><TI>&l9;</TI></TITLE><ARTICLE IDENTIFIER="001"><TI.ART>Article 1</TI.ART><P>&l9;</P></ARTICLE></ACT>
            """;
        var clock = Stopwatch.StartNew();

        var refused = Assert.Throws<XmlException>(() => FormexParser.Parse(bomb, "bomb"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"refusing took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Contains("DTD", refused.Message);
    }

    [Fact]
    public void A_document_without_a_dtd_still_parses()
    {
        var parsed = FormexParser.Parse("""<ACT><TITLE><TI>Act</TI></TITLE><ARTICLE IDENTIFIER="001"><TI.ART>Article 1</TI.ART><P>Text.</P></ARTICLE></ACT>""", "act");

        Assert.Single(parsed.Sections);
    }
}
