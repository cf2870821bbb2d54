using Pipeline.Answering;
using Pipeline.KnowledgeBase.Questions;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase.Questions;

public sealed class QueryAnalysisTests
{
    [Theory]
    [InlineData("Cos'è il GDPR?", QueryIntent.Definition)]
    [InlineData("What is DORA?", QueryIntent.Definition)]
    [InlineData("Confronta GDPR e ESPR", QueryIntent.Comparison)]
    [InlineData("Articolo 28 del GDPR", QueryIntent.ArticleLookup)]
    [InlineData("Quanti documenti ci sono nel database?", QueryIntent.Meta)]
    [InlineData("Ciao!", QueryIntent.ChitChat)]
    public void The_analyzer_recognises_the_original_designs_question_kinds(string question, QueryIntent intent) =>
        Assert.Equal(intent, QueryAnalyzer.Analyze(question).Intent);

    [Fact]
    public void The_analyzer_names_regulations_articles_and_language()
    {
        var analysis = QueryAnalyzer.Analyze("Articolo 28 del GDPR: che obblighi ha il responsabile?");

        Assert.Equal(["GDPR"], analysis.Regulations);
        Assert.Equal([28], analysis.ArticleNumbers);
        Assert.Equal("it", analysis.Language);
    }

    [Fact]
    public void The_legacy_analyzer_sees_entities_but_no_intent_so_shadow_comparisons_differ_on_intent_only()
    {
        var legacy = LegacyQueryAnalyzer.Analyze("Article 28 of the GDPR");
        var modern = QueryAnalyzer.Analyze("Article 28 of the GDPR");

        Assert.Equal(QueryIntent.Question, legacy.Intent);
        Assert.Equal(modern.Regulations, legacy.Regulations);
        Assert.Equal(modern.ArticleNumbers, legacy.ArticleNumbers);
        Assert.NotEqual(modern.Intent, legacy.Intent);
    }

    [Fact]
    public void Enhancement_expands_regulation_names_into_the_wording_of_the_acts_and_leaves_other_questions_alone()
    {
        Assert.Contains("protezione dei dati personali", QueryEnhancer.Enhance("Cos'è il GDPR?"));
        Assert.Contains("digital operational resilience", QueryEnhancer.Enhance("What is DORA?"));
        Assert.Equal("Ciao!", QueryEnhancer.Enhance("Ciao!"));
    }
}
