using Pipeline.KnowledgeBase.Questions;
using Pipeline.Contracts;
using Pipeline.Answering;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

public sealed class AnalysisAwareSourceOrderTests
{
    [Fact]
    public void A_comparison_takes_the_named_regulations_in_turn_in_the_order_named_and_keeps_each_ones_retrieval_order()
    {
        var passages = new[] { Passage("g1", "GDPR"), Passage("g2", "GDPR"), Passage("g3", "GDPR"), Passage("d1", "DORA"), Passage("c1", "CRA"), Passage("d2", "DORA") };

        var ordered = AnalysisAwareSourceOrder.Order(passages, Analysis(QueryIntent.Comparison, ["DORA", "GDPR"]));

        Assert.Equal(["d1", "g1", "c1", "d2", "g2", "g3"], ordered.Select(p => p.Source.Id));
    }

    [Fact]
    public void Naming_two_regulations_is_a_comparison_even_when_the_legacy_analysis_calls_it_a_plain_question()
    {
        var passages = new[] { Passage("g1", "GDPR"), Passage("g2", "GDPR"), Passage("d1", "DORA") };

        var ordered = AnalysisAwareSourceOrder.Order(passages, Analysis(QueryIntent.Question, ["GDPR", "DORA"]));

        Assert.Equal(["g1", "d1", "g2"], ordered.Select(p => p.Source.Id));
    }

    [Fact]
    public void An_article_lookup_puts_the_named_articles_passage_of_the_named_regulation_first()
    {
        var passages = new[] { Passage("g5", "GDPR", 5), Passage("c28", "CRA", 28), Passage("g28", "GDPR", 28), Passage("web", null) };

        var ordered = AnalysisAwareSourceOrder.Order(passages, new QueryAnalysis(QueryIntent.ArticleLookup, ["GDPR"], [28], "en"));

        Assert.Equal(["g28", "c28", "g5", "web"], ordered.Select(p => p.Source.Id));
    }

    [Fact]
    public void Any_other_question_keeps_retrievals_order()
    {
        var passages = new[] { Passage("g1", "GDPR"), Passage("d1", "DORA"), Passage("g2", "GDPR") };

        var ordered = AnalysisAwareSourceOrder.Order(passages, Analysis(QueryIntent.Definition, ["GDPR"]));

        Assert.Equal(["g1", "d1", "g2"], ordered.Select(p => p.Source.Id));
    }

    [Fact]
    public void The_prompt_guidance_names_what_the_order_serves_and_is_absent_when_the_order_is_retrievals()
    {
        Assert.Contains("GDPR and DORA", PromptGuidance.For(Analysis(QueryIntent.Comparison, ["GDPR", "DORA"])));
        Assert.Contains("article 28 of the GDPR", PromptGuidance.For(new QueryAnalysis(QueryIntent.ArticleLookup, ["GDPR"], [28], "en")));
        Assert.Null(PromptGuidance.For(Analysis(QueryIntent.Definition, ["GDPR"])));
    }

    [Fact]
    public void Guidance_in_the_prompt_is_never_read_back_as_a_source()
    {
        var prompt = GroundedPrompt.Build("Compare GDPR and DORA", [new GroundingSource(1, "a", "GDPR", "Personal data.")], null,
            PromptGuidance.For(Analysis(QueryIntent.Comparison, ["GDPR", "DORA"])));

        var sources = GroundedPrompt.ReadSources(prompt[0].Text);

        Assert.Equal([(1, "GDPR", "Personal data.")], sources);
        Assert.Contains("compares GDPR and DORA", prompt[0].Text);
    }

    [Fact]
    public void A_passage_in_the_questions_language_takes_the_place_of_the_same_article_in_another_language()
    {
        var passages = new[]
        {
            Worded("gdpr-en-6", "GDPR", 6, "Processing shall be lawful only if and to the extent that the data subject has given consent."),
            Worded("ai-en-10", "AI Act", 10, "Training data sets shall be subject to data governance and management practices."),
            Worded("gdpr-it-6", "GDPR", 6, "Il trattamento è lecito solo se e nella misura in cui l'interessato ha espresso il consenso."),
            Worded("gdpr-en-7", "GDPR", 7, "Where processing is based on consent, the controller shall be able to demonstrate it."),
        };

        var ordered = AnalysisAwareSourceOrder.Order(passages, new QueryAnalysis(QueryIntent.Question, [], [], "it"));

        Assert.Equal(["gdpr-it-6", "ai-en-10", "gdpr-en-7", "gdpr-en-6"], ordered.Select(p => p.Source.Id));
    }

    [Fact]
    public void Passages_in_another_language_without_a_parallel_keep_their_place()
    {
        var passages = new[]
        {
            Worded("ai-en-5", "AI Act", 5, "The following AI practices shall be prohibited."),
            Worded("gdpr-it-9", "GDPR", 9, "È vietato trattare dati personali che rivelino l'origine razziale."),
        };

        var ordered = AnalysisAwareSourceOrder.Order(passages, new QueryAnalysis(QueryIntent.Question, [], [], "it"));

        Assert.Equal(["ai-en-5", "gdpr-it-9"], ordered.Select(p => p.Source.Id));
    }

    private static RetrievedPassage Worded(string id, string regulation, int article, string text) =>
        new(new ChatSource(id, null, id, article, 1, SourceTypes.Document, null), text, regulation);

    private static QueryAnalysis Analysis(QueryIntent intent, IReadOnlyList<string> regulations) => new(intent, regulations, [], "en");

    private static RetrievedPassage Passage(string id, string? regulation, int? article = null) =>
        new(new ChatSource(id, null, id, article, 1, SourceTypes.Document, null), "text of " + id, regulation);
}
