using Pipeline.KnowledgeBase.Questions;
using Microsoft.Extensions.Options;
using Pipeline.Answering;
using Pipeline.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

public sealed class HybridRetrievalTests
{
    private static readonly RetrievedChunk[] Corpus =
    [
        Chunk("ai-5", "AI Act", 5, "Prohibited AI practices", "The following AI practices shall be prohibited: manipulative techniques."),
        Chunk("gdpr-9", "GDPR", 9, "Processing of special categories of personal data", "Processing of personal data revealing racial origin shall be prohibited."),
        Chunk("gdpr-13", "GDPR", 13, "Information to be provided", "The controller shall provide transparency information to the data subject."),
        Chunk("ai-50", "AI Act", 50, "Transparency obligations for providers and deployers", "Providers shall ensure transparency towards natural persons."),
        Chunk("gdpr-17", "GDPR", 17, "Right to erasure ('right to be forgotten')", "The data subject shall have the right to obtain from the controller without undue delay."),
        Chunk("cra-14", "CRA", 14, "Reporting obligations of manufacturers", "A manufacturer shall notify any actively exploited vulnerability."),
    ];

    [Fact]
    public async Task A_question_naming_the_ai_act_retrieves_only_ai_act_articles()
    {
        var search = new FakeSearch(Corpus);

        var passages = await Retrieve(search, "Which practices are prohibited by the AI Act?");

        Assert.NotEmpty(passages);
        Assert.All(passages, p => Assert.Equal("AI Act", p.Regulation));
        Assert.All(search.Filters, f => Assert.Equal("AI Act", f?.Regulation));
    }

    [Fact]
    public async Task A_question_naming_the_ai_act_in_italian_retrieves_only_ai_act_articles()
    {
        var passages = await Retrieve(new FakeSearch(Corpus), "Quali pratiche sono vietate dalla legge sull'IA?");

        Assert.Equal(["ai-5", "ai-50"], passages.Select(p => p.Source.Id));
    }

    [Fact]
    public async Task A_comparison_retrieves_each_named_regulation_in_turn_and_merges_them()
    {
        var search = new FakeSearch(Corpus);

        var passages = await Retrieve(search, "Confronta il GDPR e l'AI Act sulla trasparenza");

        Assert.Equal(["GDPR", "AI Act"], search.Filters.Select(f => f?.Regulation).Distinct());
        Assert.Contains(passages, p => p.Regulation == "GDPR");
        Assert.Contains(passages, p => p.Regulation == "AI Act");
    }

    [Fact]
    public async Task A_comparison_sends_the_searches_of_every_named_act_to_the_knowledge_base_at_once()
    {
        var search = new FakeSearch(Corpus);

        await Retrieve(search, "Confronta il GDPR e l'AI Act sulla trasparenza");

        Assert.Equal(1, search.Batches);
        Assert.Equal(["GDPR", "AI Act"], search.Filters.Select(f => f?.Regulation).Distinct());
    }

    [Fact]
    public async Task An_article_whose_title_the_question_says_ranks_first_even_when_the_searches_put_it_last()
    {
        // The searches rank the erasure article last; its title is what the question asks about.
        var passages = await Retrieve(new FakeSearch(Corpus), "What does the right to erasure give me?");

        Assert.Equal("gdpr-17", passages[0].Source.Id);
    }

    [Fact]
    public async Task An_italian_question_is_also_searched_by_vector_with_its_english_legal_terms()
    {
        var search = new FakeSearch(Corpus);

        await Retrieve(search, "Cosa deve fare un produttore quando scopre una vulnerabilità attivamente sfruttata?");

        Assert.Contains(search.VectorQueries, q => q.Contains("actively exploited vulnerability", StringComparison.Ordinal) && !q.Contains("produttore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Within_the_act_a_question_names_the_keyword_searches_look_for_what_it_asks_not_for_the_acts_name()
    {
        var search = new FakeSearch(Corpus);

        await Retrieve(search, "Quali sanzioni prevede l'AI Act?");

        Assert.NotEmpty(search.KeywordQueries);
        Assert.All(search.KeywordQueries, q =>
        {
            Assert.Contains("sanzioni", q, StringComparison.Ordinal);
            Assert.DoesNotContain("AI Act", q, StringComparison.Ordinal);
            Assert.DoesNotContain("artificial intelligence", q, StringComparison.Ordinal);
        });
        Assert.Contains(search.VectorQueries, q => q.Contains("penalties", StringComparison.Ordinal) && !q.Contains("artificial intelligence", StringComparison.Ordinal));
        Assert.All(search.VectorQueries, q => Assert.DoesNotContain("AI Act", q, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_side_of_a_comparison_is_searched_by_vector_with_the_whole_question()
    {
        var search = new FakeSearch(Corpus);

        await Retrieve(search, "Compare the transparency duties of the GDPR and the AI Act");

        Assert.Equal(["GDPR", "AI Act"], search.Filters.Select(f => f?.Regulation).Distinct());
        Assert.All(search.VectorQueries, q => Assert.Equal("Compare the transparency duties of the GDPR and the AI Act", q));
        Assert.All(search.KeywordQueries, q => Assert.DoesNotContain("GDPR", q, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_english_passage_is_ranked_by_the_italian_questions_english_terms_not_by_its_italian_words()
    {
        RetrievedChunk[] corpus =
        [
            // Titles the question does not say, so only the searches rank.
            Chunk("cra-13", "CRA", 13, "General provisions", "Manufacturers shall ensure that products are designed in accordance with the essential requirements."),
            Chunk("cra-20", "CRA", 20, "General provisions", "Distributors shall act with due care."),
            Chunk("cra-14", "CRA", 14, "General provisions", "A manufacturer shall notify any actively exploited vulnerability."),
        ];
        // The Italian question's own embedding (cross-language, so near noise) puts cra-14 last; its English terms first.
        var search = new FakeSearch(corpus, q => q.Contains("exploited", StringComparison.Ordinal) ? ["cra-14", "cra-13", "cra-20"] : ["cra-13", "cra-20", "cra-14"], keywords: false);

        var passages = await Retrieve(search, "Cosa deve segnalare un fabbricante per una vulnerabilità attivamente sfruttata secondo il CRA?");

        Assert.Equal("cra-14", passages[0].Source.Id);
    }

    [Fact]
    public async Task A_question_that_is_only_the_acts_name_is_searched_with_the_name()
    {
        var search = new FakeSearch(Corpus);

        await Retrieve(search, "What is the CRA?");

        Assert.Contains(search.KeywordQueries, q => q.Contains("CRA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_article_ranks_above_the_recitals_the_searches_put_before_it()
    {
        RetrievedChunk[] corpus =
        [
            new("gdpr-recital-39", Guid.Empty, "GDPR", "GDPR", null, null, "Any processing of personal data should be lawful and fair.", 0),
            new("gdpr-recital-40", Guid.Empty, "GDPR", "GDPR", null, null, "For processing to be lawful, personal data should be processed on the basis of consent.", 0),
            Chunk("gdpr-6", "GDPR", 6, "Lawfulness of processing", "Processing shall be lawful only if and to the extent that at least one of the following applies."),
        ];

        var passages = await Retrieve(new FakeSearch(corpus), "When may personal data be used?");

        Assert.Equal("gdpr-6", passages[0].Source.Id);
    }

    [Fact]
    public async Task A_passage_only_containing_a_short_name_inside_a_word_gets_no_credit_for_naming_it()
    {
        RetrievedChunk[] corpus =
        [
            Chunk("cra-10", "CRA", 10, "Due diligence", "Democratic oversight and bureaucracy shall be proportionate."),
            Chunk("cra-64", "CRA", 64, "Penalties", "Member States shall lay down the rules on penalties applicable to infringements."),
        ];

        var passages = await Retrieve(new FakeSearch(corpus), "Which fines does the CRA impose on manufacturers?");

        // Only the searches' own order separates them (by under 0.01); a naming bonus would add 0.08.
        Assert.Equal(["cra-10", "cra-64"], passages.Select(p => p.Source.Id));
        Assert.True(passages[0].Source.Score - passages[1].Source.Score < 0.05);
    }

    [Theory]
    [InlineData("Cos'è il Cyber Resilience Act?")]
    [InlineData("What is the CRA?")]
    public async Task Asking_what_an_act_is_is_answered_by_its_subject_matter_article(string question)
    {
        RetrievedChunk[] corpus =
        [
            Chunk("cra-10", "CRA", 10, "Due diligence", "Manufacturers integrating components shall exercise due diligence so that they do not compromise cybersecurity."),
            Chunk("cra-1", "CRA", 1, "Subject matter", "This Regulation lays down rules for making available products with digital elements."),
        ];

        var passages = await Retrieve(new FakeSearch(corpus), question);

        Assert.Equal("cra-1", passages[0].Source.Id);
    }

    [Fact]
    public async Task Asking_what_an_act_is_puts_a_passage_naming_it_above_the_acts_other_articles()
    {
        RetrievedChunk[] corpus =
        [
            Chunk("cra-10", "CRA", 10, "Due diligence", "Manufacturers integrating components shall exercise due diligence."),
            new("cra-overview", Guid.Empty, "CRA", "CRA", null, null, "The Cyber Resilience Act (CRA) sets cybersecurity requirements for products with digital elements.", 0),
        ];

        var passages = await Retrieve(new FakeSearch(corpus), "Cos'è il Cyber Resilience Act?");

        Assert.Equal("cra-overview", passages[0].Source.Id);
    }

    [Fact]
    public async Task A_definition_of_a_term_within_an_act_gets_no_subject_matter_preference()
    {
        RetrievedChunk[] corpus =
        [
            Chunk("cra-3", "CRA", 3, "Definitions", "'Actively exploited vulnerability' means a vulnerability for which there is reliable evidence."),
            Chunk("cra-1", "CRA", 1, "Subject matter", "This Regulation lays down rules for making available products with digital elements."),
        ];

        var passages = await Retrieve(new FakeSearch(corpus), "What is an actively exploited vulnerability under the CRA?");

        Assert.Equal("cra-3", passages[0].Source.Id);
    }

    [Fact]
    public async Task A_regulation_without_any_passage_falls_back_to_the_whole_knowledge_base()
    {
        var passages = await Retrieve(new FakeSearch(Corpus), "What does NIS2 say about manufacturers reporting obligations?");

        Assert.Contains(passages, p => p.Source.Id == "cra-14");
    }

    private static Task<IReadOnlyList<RetrievedPassage>> Retrieve(FakeSearch search, string question)
    {
        var retrieval = new HybridRetrieval(search, Options.Create(new RetrievalOptions { ScoreThreshold = 0 }));
        return retrieval.RetrieveAsync(question, QueryEnhancer.Enhance(question), QueryAnalyzer.Analyze(question), CancellationToken.None);
    }

    private static RetrievedChunk Chunk(string id, string regulation, int article, string title, string text) =>
        new(id, Guid.Empty, regulation, regulation, article, title, text, 0);

    /// <summary>Every search returns the corpus in its fixed order, filtered as asked; what was asked is recorded.</summary>
    /// <param name="vectorOrder">The order a vector search returns for a query (default: the corpus's); its chunks are looked up by id.</param>
    /// <param name="keywords">Off, keyword searches find nothing, so the vector side alone decides.</param>
    private sealed class FakeSearch(IReadOnlyList<RetrievedChunk> corpus, Func<string, string[]>? vectorOrder = null, bool keywords = true) : IKnowledgeSearch
    {
        public List<SearchFilter?> Filters { get; } = [];
        public List<string> VectorQueries { get; } = [];
        public List<string> KeywordQueries { get; } = [];
        public int Batches { get; private set; }

        public Task<IReadOnlyList<IReadOnlyList<RetrievedChunk>>> SearchAsync(IReadOnlyList<SearchRequest> searches, CancellationToken cancellationToken)
        {
            Batches++;
            return IKnowledgeSearch.OneByOneAsync(this, searches, cancellationToken);
        }

        public Task<IReadOnlyList<RetrievedChunk>> SearchKeywordsAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken)
        {
            KeywordQueries.Add(query);
            return Task.FromResult(keywords ? Find(filter, topK) : []);
        }

        public Task<IReadOnlyList<RetrievedChunk>> SearchVectorAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken)
        {
            VectorQueries.Add(query);
            if (vectorOrder is null)
                return Task.FromResult(Find(filter, topK));
            var order = vectorOrder(query).ToList();
            return Task.FromResult<IReadOnlyList<RetrievedChunk>>(Find(filter, topK).OrderBy(c => order.IndexOf(c.ChunkId)).Select((c, i) => c with { Score = 1.0 / (i + 1) }).ToList());
        }

        public Task<KnowledgeBaseStats> GetStatsAsync(CancellationToken cancellationToken) => Task.FromResult(new KnowledgeBaseStats(1, corpus.Count));

        private IReadOnlyList<RetrievedChunk> Find(SearchFilter? filter, int topK)
        {
            Filters.Add(filter);
            return corpus
                .Where(c => filter?.Regulation is null || c.Regulation == filter.Regulation)
                .Where(c => filter?.ArticleNumber is null || c.ArticleNumber == filter.ArticleNumber)
                .Select((c, i) => c with { Score = 1.0 / (i + 1) })
                .Take(topK)
                .ToList();
        }
    }
}
