using Pipeline.KnowledgeBase;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase;

/// <summary>The parsers on the real EU legislation of ../shared/corpus.</summary>
public sealed class CorpusParsingTests
{
    private static string Corpus(string file) => File.ReadAllText(Path.Combine(RepositoryPaths.SharedCorpus, file));

    [Theory]
    [InlineData("gdpr-2016-679-it.formex.xml", "it", "Responsabile del trattamento", "Qualora un trattamento debba essere effettuato per conto del titolare del trattamento")]
    [InlineData("gdpr-2016-679-en.formex.xml", "en", "Processor", "Where processing is to be carried out on behalf of a controller")]
    public void Formex_parser_reads_all_99_gdpr_articles_with_titles_and_the_recitals(string file, string language, string title28, string opening28)
    {
        var parsed = FormexParser.Parse(Corpus(file), file);

        var articles = parsed.Sections.Where(s => s.ArticleNumber is not null).ToList();
        Assert.Equal(99, articles.Select(a => a.ArticleNumber).Distinct().Count());
        var article28 = articles.Single(a => a.ArticleNumber == 28);
        Assert.Equal(title28, article28.ArticleTitle);
        Assert.Contains(opening28, article28.Text);
        Assert.Equal(language, parsed.Language);
        Assert.Equal(173, parsed.Sections.Count(s => s.Heading?.StartsWith("Recital", StringComparison.Ordinal) == true));
        Assert.Contains("2016/679", parsed.Title);
    }

    [Theory]
    [InlineData("ai-act-2024-1689-en.md", 113)]
    [InlineData("cra-2024-2847-en.md", 71)]
    [InlineData("dora-2022-2554-en.md", 64)]
    public void Markdown_parser_finds_every_article_of_pdf_derived_acts(string file, int articles)
    {
        var parsed = MarkdownParser.Parse(Corpus(file), file);

        var numbers = parsed.Sections.Where(s => s.ArticleNumber is not null).Select(s => s.ArticleNumber!.Value).Distinct().ToList();
        Assert.Equal(articles, numbers.Count);
        Assert.Equal(Enumerable.Range(1, articles), numbers.Order());
        Assert.Equal("en", parsed.Language);
    }

    [Fact]
    public void Markdown_parser_drops_running_headers_and_joins_hyphenated_words()
    {
        const string markdown = "# Act\n\n## Article 3: Definitions\nThe term data pro-\ncessing means things.\nL 333/1\n\n## Article 4: Scope\nIt applies.";

        var parsed = MarkdownParser.Parse(markdown, "act");

        var article3 = parsed.Sections.Single(s => s.ArticleNumber == 3);
        Assert.Equal("Definitions", article3.ArticleTitle);
        Assert.Contains("data processing means", article3.Text);
        Assert.DoesNotContain("L 333/1", article3.Text);
        Assert.Equal("It applies.", parsed.Sections.Single(s => s.ArticleNumber == 4).Text);
    }

    [Fact]
    public void Html_parser_keeps_headings_and_drops_scripts()
    {
        const string html = "<html><head><title>Nota</title><script>alert(1)</script></head><body><h2>Articolo 5 Principi</h2><p>I dati sono trattati in modo lecito.</p><script>x()</script></body></html>";

        var parsed = HtmlParser.Parse(html, "fallback");

        Assert.Equal("Nota", parsed.Title);
        var article = parsed.Sections.Single(s => s.ArticleNumber == 5);
        Assert.Equal("Principi", article.ArticleTitle);
        Assert.Contains("trattati in modo lecito", article.Text);
        Assert.DoesNotContain(parsed.Sections, s => s.Text.Contains("alert") || s.Text.Contains("x()"));
    }

    [Fact]
    public void Html_parser_reads_headings_and_text_nested_in_sections_and_inline_markup()
    {
        const string html = """
            <html><head><title>Regulation &amp; notes</title></head><body>
            <main><section><div><h3>Article 6 <em>Lawfulness</em>
              of processing</h3>
            <div><p>Processing shall be <b>lawful</b> only if <a href="#x" title="a > b">consent</a> is given.</p>
            <ul><li>for <span>one</span> purpose</li><li>for a contract</li></ul></div></div></section>
            <section><h3>Article 7 Conditions for consent</h3><table><tr><td>Controller</td><td>demonstrates</td></tr></table></section></main>
            </body></html>
            """;

        var parsed = HtmlParser.Parse(html, "fallback");

        Assert.Equal("Regulation & notes", parsed.Title);
        var article6 = parsed.Sections.Single(s => s.ArticleNumber == 6);
        Assert.Equal("Lawfulness of processing", article6.ArticleTitle);
        Assert.Contains("Processing shall be lawful only if consent is given.", article6.Text);
        Assert.Contains("for one purpose", article6.Text);
        Assert.Contains("for a contract", article6.Text);
        Assert.DoesNotContain("title=", article6.Text);
        var article7 = parsed.Sections.Single(s => s.ArticleNumber == 7);
        Assert.Equal("Conditions for consent", article7.ArticleTitle);
        Assert.Contains("Controller demonstrates", article7.Text);
    }

    [Fact]
    public void Html_parser_recovers_from_malformed_markup_and_never_reads_comments_or_script_text_as_headings()
    {
        // Unclosed paragraphs and items, a stray closing tag, markup inside a comment and inside a script's string.
        const string html = """
            <body><h2>Articolo 5 Principi</h2><p>I dati sono trattati in modo lecito<p>e trasparente</div>
            <!-- <h2>Articolo 9 Bozza</h2> -->
            <script>document.write("<h2>Articolo 10 Falso</h2>");</script>
            <ul><li>primo<li>secondo</ul>
            <h2>Articolo 6 Liceità del trattamento
            """;

        var parsed = HtmlParser.Parse(html, "fallback");

        Assert.Equal(new[] { 5, 6 }, parsed.Sections.Where(s => s.ArticleNumber is not null).Select(s => s.ArticleNumber!.Value).Order());
        var article5 = parsed.Sections.Single(s => s.ArticleNumber == 5);
        Assert.Contains("I dati sono trattati in modo lecito", article5.Text);
        Assert.Contains("e trasparente", article5.Text);
        Assert.Contains("primo", article5.Text);
        Assert.Contains("secondo", article5.Text);
        Assert.DoesNotContain(parsed.Sections, s => s.Text.Contains("Bozza") || s.Text.Contains("Falso") || s.Text.Contains("</div>"));
        Assert.Equal("Liceità del trattamento", parsed.Sections.Single(s => s.ArticleNumber == 6).ArticleTitle);
    }

    [Fact]
    public void A_long_article_splits_into_chunks_that_all_keep_its_number_and_never_merge_with_the_next()
    {
        var sections = new[]
        {
            new DocumentSection(7, "Long", "Article 7", string.Join("\n", Enumerable.Repeat("A paragraph of about sixty characters that repeats itself.", 40))),
            new DocumentSection(8, "Short", "Article 8", "Tiny."),
        };

        var chunks = ArticleChunker.Chunk(sections, 500).ToList();

        Assert.True(chunks.Count(c => c.ArticleNumber == 7) > 1);
        Assert.All(chunks.Where(c => c.ArticleNumber == 7), c => Assert.True(c.Text.Length <= 500));
        Assert.Equal("Tiny.", chunks.Single(c => c.ArticleNumber == 8).Text);
    }
}
