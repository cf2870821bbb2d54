using Pipeline.KnowledgeBase.Quality;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase.Quality;

/// <summary>Reading the golden dataset: its records, its errors (line and field named), and the dataset the repository ships.</summary>
public sealed class GoldenDatasetTests
{
    [Fact]
    public void A_line_becomes_a_question_with_its_expected_regulations_articles_and_documents()
    {
        const string lines = """
            {"id":"q1","question":"Cos'è il GDPR?","language":"it","kind":"definition","expected":[{"regulation":"GDPR","article":"1"},{"regulation":"GDPR","document":"gdpr-overview"}]}

            {"id":"q2","question":"Compare GDPR and DORA","language":"en","kind":"comparison","expected":[{"regulation":"GDPR","article":33},{"regulation":"DORA","article":"19"}]}
            {"id":"q3","question":"How many documents?","language":"en","kind":"meta","expected":[]}
            """;

        var questions = GoldenDataset.Parse(lines);

        Assert.Equal(["q1", "q2", "q3"], questions.Select(q => q.Id));
        var first = questions[0];
        Assert.Equal("it", first.Language);
        Assert.Equal(GoldenKinds.Definition, first.Kind);
        Assert.Equal([new ExpectedSource("GDPR", 1), new ExpectedSource("GDPR", null, "gdpr-overview")], first.Expected);
        Assert.Equal(["GDPR", "DORA"], questions[1].ExpectedRegulations);
        Assert.Equal(33, questions[1].Expected[0].Article);
        Assert.Empty(questions[2].Expected);
    }

    [Theory]
    [InlineData("""{"id":"a","question":"q","language":"it","kind":"question","expected":[{"regulation":"GDPR"}]}""" + "\n" + """{"question":"q","language":"it","kind":"question","expected":[]}""", 2, "id")]
    [InlineData("""{"id":"a","question":"","language":"it","kind":"question","expected":[{"regulation":"GDPR"}]}""", 1, "question")]
    [InlineData("""{"id":"a","question":"q","language":"fr","kind":"question","expected":[{"regulation":"GDPR"}]}""", 1, "language")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"lookup","expected":[{"regulation":"GDPR"}]}""", 1, "kind")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"question","expected":{"regulation":"GDPR"}}""", 1, "expected")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"question","expected":[]}""", 1, "expected")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"question","expected":[{"article":"6"}]}""", 1, "expected[0].regulation")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"question","expected":[{"regulation":"GDPR"},{"regulation":"GDPR","article":"six"}]}""", 1, "expected[1].article")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"question","expected":[{"regulation":"GDPR","document":""}]}""", 1, "expected[0].document")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"question","expected":[{"regulation":"GDPR"}]""", 1, "(line)")]
    [InlineData("""{"id":"a","question":"q","language":"en","kind":"question","expected":[{"regulation":"GDPR"}]}""" + "\n\n" + """{"id":"a","question":"q","language":"en","kind":"question","expected":[{"regulation":"GDPR"}]}""", 3, "id")]
    public void A_bad_line_is_rejected_naming_its_line_and_field(string lines, int line, string field)
    {
        var error = Assert.Throws<GoldenDatasetException>(() => GoldenDataset.Parse(lines));

        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains($"line {line}", error.Message);
        Assert.Contains($"'{field}'", error.Message);
    }

    [Fact]
    public async Task The_repository_dataset_has_at_least_80_questions_in_both_languages_of_every_kind_over_the_four_acts_and_the_samples()
    {
        var questions = await GoldenDataset.LoadAsync(Path.Combine(RepositoryPaths.Root, GoldenDataset.DefaultPath), CancellationToken.None);

        Assert.True(questions.Count >= 80, $"{questions.Count} questions");
        Assert.True(questions.Count(q => q.Language == "it") >= 30, "Italian questions");
        Assert.True(questions.Count(q => q.Language == "en") >= 30, "English questions");
        Assert.Equal(GoldenKinds.All.Order(), questions.Select(q => q.Kind).Distinct().Order());
        var regulations = questions.SelectMany(q => q.ExpectedRegulations).Distinct().ToList();
        Assert.Subset(regulations.ToHashSet(), new HashSet<string> { "GDPR", "AI Act", "CRA", "DORA", "ESPR" });
        Assert.Contains(questions, q => q.Expected.Any(e => e.Document is not null));
        Assert.All(questions.Where(q => q.Kind == GoldenKinds.Comparison), q => Assert.True(q.ExpectedRegulations.Count >= 2, q.Id));
    }
}
