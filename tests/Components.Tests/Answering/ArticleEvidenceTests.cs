using Pipeline.Answering;
using Pipeline.KnowledgeBase;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

public sealed class ArticleEvidenceTests
{
    [Fact]
    public void A_passage_whose_article_has_another_relevant_passage_overtakes_a_slightly_better_lone_passage()
    {
        RetrievedChunk[] candidates =
        [
            Chunk("dora-17-a", "DORA", 17, 0.60),
            Chunk("dora-18-a", "DORA", 18, 0.58),
            Chunk("dora-18-b", "DORA", 18, 0.50),
        ];

        var ranked = ArticleEvidence.Aggregate(candidates, c => c.Score, weight: 0.25, passages: 1);

        Assert.Equal(["dora-18-a", "dora-18-b", "dora-17-a"], ranked.Select(c => c.ChunkId));
    }

    [Fact]
    public void Only_the_best_few_other_passages_count_so_a_long_article_does_not_win_by_length()
    {
        RetrievedChunk[] candidates =
        [
            Chunk("gdpr-6-a", "GDPR", 6, 0.70),
            Chunk("gdpr-6-b", "GDPR", 6, 0.40),
            .. Enumerable.Range(0, 8).Select(i => Chunk($"gdpr-4-{i}", "GDPR", 4, i == 0 ? 0.66 : 0.35)),
        ];

        var ranked = ArticleEvidence.Aggregate(candidates, c => c.Score, weight: 0.25, passages: 1);

        // Article 4 has eight passages to Article 6's two, but its evidence is its one best other passage (0.35).
        Assert.Equal("gdpr-6-a", ranked[0].ChunkId);
    }

    [Fact]
    public void The_italian_and_english_passages_of_one_article_are_evidence_for_each_other()
    {
        RetrievedChunk[] candidates =
        [
            Chunk("gdpr-en-77", "GDPR", 77, 0.45),
            Chunk("gdpr-it-77", "gdpr", 77, 0.44),
            Chunk("gdpr-en-79", "GDPR", 79, 0.50),
        ];

        var ranked = ArticleEvidence.Aggregate(candidates, c => c.Score, weight: 0.25, passages: 1);

        Assert.Equal("gdpr-en-77", ranked[0].ChunkId);
    }

    [Fact]
    public void Evidence_is_what_the_given_function_says_a_passage_is_worth_not_its_score()
    {
        RetrievedChunk[] candidates =
        [
            Chunk("ai-6-a", "AI Act", 6, 0.60),
            Chunk("ai-6-b", "AI Act", 6, 0.55),
            Chunk("ai-14-a", "AI Act", 14, 0.59),
            Chunk("ai-14-b", "AI Act", 14, 0.50),
        ];
        // Article 6's second passage scores well on shared bonuses only; Article 14's second is the relevant one.
        var relevance = new Dictionary<string, double> { ["ai-6-a"] = 0.3, ["ai-6-b"] = 0.0, ["ai-14-a"] = 0.3, ["ai-14-b"] = 0.3 };

        var ranked = ArticleEvidence.Aggregate(candidates, c => relevance[c.ChunkId], weight: 0.25, passages: 1);

        Assert.Equal("ai-14-a", ranked[0].ChunkId);
    }

    [Fact]
    public void Recitals_stand_alone_and_gain_nothing()
    {
        RetrievedChunk[] candidates =
        [
            new("gdpr-recital-39", Guid.Empty, "GDPR", "GDPR", null, null, "", 0.50),
            new("gdpr-recital-40", Guid.Empty, "GDPR", "GDPR", null, null, "", 0.50),
            Chunk("gdpr-6", "GDPR", 6, 0.50),
        ];

        var ranked = ArticleEvidence.Aggregate(candidates, c => c.Score, weight: 0.25, passages: 1);

        // Scaled by 1 / (1 + 0.25): a passage without evidence scores 0.4, whichever it is.
        Assert.All(ranked, c => Assert.Equal(0.40, c.Score, 6));
    }

    [Fact]
    public void A_weight_of_zero_ranks_every_passage_on_its_own_score()
    {
        RetrievedChunk[] candidates =
        [
            Chunk("cra-13-a", "CRA", 13, 0.50),
            Chunk("cra-14-a", "CRA", 14, 0.60),
            Chunk("cra-13-b", "CRA", 13, 0.55),
        ];

        var ranked = ArticleEvidence.Aggregate(candidates, c => c.Score, weight: 0, passages: 1);

        Assert.Equal(["cra-14-a", "cra-13-b", "cra-13-a"], ranked.Select(c => c.ChunkId));
        Assert.Equal([0.60, 0.55, 0.50], ranked.Select(c => c.Score));
    }

    private static RetrievedChunk Chunk(string id, string regulation, int article, double score) =>
        new(id, Guid.Empty, regulation, regulation, article, null, "", score);
}
