using Pipeline.KnowledgeBase.Questions;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase.Questions;

public sealed class RegulationDetectorTests
{
    [Theory]
    [InlineData("Cos'è il GDPR?", "GDPR")]
    [InlineData("Che cosa prevede il Regolamento generale sulla protezione dei dati sul consenso?", "GDPR")]
    [InlineData("Which article of Regulation (EU) 2016/679 covers consent?", "GDPR")]
    [InlineData("What does the General Data Protection Regulation say about children?", "GDPR")]
    [InlineData("Quali pratiche di intelligenza artificiale sono vietate dall'AI Act?", "AI Act")]
    [InlineData("Cosa prevede la legge sull’IA per i deployer?", "AI Act")]
    [InlineData("Cosa dice il regolamento sull'intelligenza artificiale sui sistemi ad alto rischio?", "AI Act")]
    [InlineData("Does Regulation 2024/1689 apply to the military?", "AI Act")]
    [InlineData("What must a manufacturer report under the Cyber Resilience Act?", "CRA")]
    [InlineData("Il CRA si applica al software open source?", "CRA")]
    [InlineData("Which entities does DORA cover?", "DORA")]
    [InlineData("Cosa richiede il regolamento sulla resilienza operativa digitale per i test?", "DORA")]
    public void A_regulation_named_in_italian_or_english_by_name_short_name_or_number_is_detected(string question, string regulation) =>
        Assert.Equal([regulation], RegulationDetector.Detect(question));

    [Theory]
    [InlineData("Confronta il GDPR e l'AI Act sulla trasparenza", new[] { "GDPR", "AI Act" })]
    [InlineData("Compare the reporting obligations of DORA and the Cyber Resilience Act", new[] { "DORA", "CRA" })]
    [InlineData("Differenze tra la legge sull'IA e il regolamento generale sulla protezione dei dati", new[] { "AI Act", "GDPR" })]
    public void A_comparison_names_each_regulation_once_in_the_order_named(string question, string[] regulations) =>
        Assert.Equal(regulations, RegulationDetector.Detect(question));

    [Theory]
    [InlineData("What makes processing of personal data lawful?")]
    [InlineData("Il sacrario di Theodora è un luogo sacro")]
    [InlineData("Quali sono i diritti dell'interessato?")]
    [InlineData("Is regulation 2016/6790 in force?")]
    public void A_question_that_names_no_regulation_or_contains_a_short_name_inside_a_word_names_none(string question) =>
        Assert.Empty(RegulationDetector.Detect(question));

    [Theory]
    [InlineData("Regulation (EU) 2016/679 of the European Parliament on the protection of natural persons", new[] { "GDPR" }, true)]
    [InlineData("Il regolamento generale sulla protezione dei dati e la legge sull'IA", new[] { "DORA", "AI Act" }, true)]
    [InlineData("The GDPR applies to controllers established in the Union", new[] { "DORA" }, false)]
    [InlineData("A democratic and accountable bureaucracy", new[] { "CRA" }, false)]
    [InlineData("The GDPR applies to controllers established in the Union", new string[0], false)]
    public void A_passage_names_an_asked_regulation_only_by_one_of_that_regulations_names(string passage, string[] asked, bool names) =>
        Assert.Equal(names, RegulationDetector.NamesAny(passage, asked));

    [Fact]
    public void The_workflows_analysis_takes_the_regulations_from_the_detector()
    {
        var analysis = QueryAnalyzer.Analyze("Confronta il GDPR e la legge sull'IA sulla trasparenza");

        Assert.Equal(["GDPR", "AI Act"], analysis.Regulations);
        Assert.Equal(QueryIntent.Comparison, analysis.Intent);
    }
}
