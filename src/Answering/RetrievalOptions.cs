using System.ComponentModel.DataAnnotations;
using Pipeline.KnowledgeBase;

namespace Pipeline.Answering;

/// <summary>Hybrid retrieval settings (<c>Retrieval:*</c>), the original design's defaults.</summary>
public sealed class RetrievalOptions
{
    public const string SectionName = "Retrieval";

    [Range(1, 100)] public int TopK { get; set; } = 10;

    /// <summary>Weight of the vector side in the fusion (the keyword side gets 1 − alpha).</summary>
    [Range(0.0, 1.0)] public double Alpha { get; set; } = 0.7;

    /// <summary>
    /// Passages scoring below this after reranking are dropped. The rerank's bonuses (article, regulation, title,
    /// provision) share the scale, so this is the original 0.3 at its original scale of bonuses.
    /// </summary>
    [Range(0.0, 1.0)] public double ScoreThreshold { get; set; } = 0.23;

    /// <summary>
    /// Candidates fetched from each side per passage kept: recitals make up half of an act's passages, so the
    /// articles that answer need a pool deeper than the original design's 3.
    /// </summary>
    [Range(1, 20)] public int CandidateMultiplier { get; set; } = 5;

    /// <summary>
    /// Reciprocal rank fusion's constant: a passage at rank r of a search contributes (k + 1) / (k + r + 1). Smaller
    /// values trust each search's first few passages more.
    /// </summary>
    [Range(1.0, 1000.0)] public double RankConstant { get; set; } = 20;

    /// <summary>
    /// Share of the score of each of an article's other candidate passages that a passage of the article gains
    /// (<see cref="ArticleEvidence"/>); 0 ranks every passage on its own.
    /// </summary>
    [Range(0.0, 1.0)] public double ArticleEvidenceWeight { get; set; } = 0.25;

    /// <summary>How many of an article's other candidate passages count as its evidence (the best ones).</summary>
    [Range(0, 10)] public int ArticleEvidencePassages { get; set; } = 1;

    /// <summary>
    /// How the workflow's keyword searches score their hits. Frequency (<c>ts_rank</c>) is the default: on the golden
    /// dataset it ranks as well or better than cover density and costs a fraction of it for broad questions
    /// (docs/benchmarks.md); the legacy pipeline keeps cover density.
    /// </summary>
    [EnumDataType(typeof(KeywordRanking))] public KeywordRanking KeywordRanking { get; set; } = KeywordRanking.Frequency;
}
