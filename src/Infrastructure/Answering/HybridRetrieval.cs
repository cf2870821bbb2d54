using Microsoft.Extensions.Options;
using Pipeline.Infrastructure.KnowledgeBase;

namespace Pipeline.Infrastructure.Answering;

/// <summary>
/// The workflow's retrieval: full-text and pgvector candidates fused by weighted reciprocal rank (alpha weights the
/// vector side), restricted to the named article for article lookups, balanced across regulations for comparisons,
/// and reranked by how well each passage matches the analysis; passages under the score threshold are dropped.
/// </summary>
public sealed class HybridRetrieval(IKnowledgeSearch search, IOptions<RetrievalOptions> options)
{
    private const double RankConstant = 60;

    /// <param name="question">The question as asked (vector search and one keyword list).</param>
    /// <param name="enhancedQuery">The enhancement step's rewrite (a second keyword list); the question itself when enhancement is off.</param>
    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string question, string enhancedQuery, QueryAnalysis analysis, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var filter = analysis.Intent == QueryIntent.ArticleLookup && analysis.ArticleNumbers.Count > 0
            ? new SearchFilter(analysis.ArticleNumbers[0], analysis.Regulations.FirstOrDefault())
            : null;
        var candidates = settings.TopK * settings.CandidateMultiplier;

        List<RetrievedChunk> fused;
        if (analysis.Intent == QueryIntent.Comparison && analysis.Regulations.Count > 1)
        {
            // Each named regulation gets its share, so a comparison never cites only one side.
            var perRegulation = Math.Max(1, settings.TopK / analysis.Regulations.Count);
            fused = [];
            foreach (var regulation in analysis.Regulations)
                fused.AddRange((await FuseAsync(question, enhancedQuery, candidates, new SearchFilter(null, regulation), cancellationToken)).Take(perRegulation));
        }
        else
        {
            fused = await FuseAsync(question, enhancedQuery, candidates, filter, cancellationToken);
            if (fused.Count == 0 && filter is not null)
                fused = await FuseAsync(question, enhancedQuery, candidates, filter with { Regulation = null }, cancellationToken);
        }

        return fused
            .Select(c => c with { Score = Math.Round(Rerank(c, analysis), 4) })
            .Where(c => c.Score >= settings.ScoreThreshold)
            .OrderByDescending(c => c.Score).ThenBy(c => c.ChunkId)
            .Take(settings.TopK)
            .Select(KeywordRetrieval.ToPassage)
            .ToList();
    }

    private async Task<List<RetrievedChunk>> FuseAsync(string question, string enhancedQuery, int candidates, SearchFilter? filter, CancellationToken cancellationToken)
    {
        var alpha = options.Value.Alpha;
        var keyword = await search.SearchKeywordsAsync(question, candidates, filter, cancellationToken);
        var enhanced = enhancedQuery == question ? [] : await search.SearchKeywordsAsync(enhancedQuery, candidates, filter, cancellationToken);
        var vector = await search.SearchVectorAsync(question, candidates, filter, cancellationToken);
        var scores = new Dictionary<string, (RetrievedChunk Chunk, double Score)>();
        void Add(IReadOnlyList<RetrievedChunk> ranked, double weight)
        {
            for (var rank = 0; rank < ranked.Count; rank++)
            {
                var chunk = ranked[rank];
                var contribution = weight * (RankConstant + 1) / (RankConstant + rank + 1);
                scores[chunk.ChunkId] = scores.TryGetValue(chunk.ChunkId, out var existing)
                    ? (existing.Chunk, existing.Score + contribution)
                    : (chunk, contribution);
            }
        }

        Add(vector, alpha);
        // The enhanced query shares the keyword side with the question as asked, so expansion adds recall without
        // drowning what the user literally wrote.
        Add(keyword, enhanced.Count == 0 ? 1 - alpha : (1 - alpha) / 2);
        Add(enhanced, (1 - alpha) / 2);
        // Both lists agreeing on the top passage gives 1.0; the fused score is a share of that.
        return scores.Values.OrderByDescending(s => s.Score).Select(s => s.Chunk with { Score = s.Score }).ToList();
    }

    private const double ArticleBonus = 0.3;
    private const double RegulationBonus = 0.2;
    private const double NamedBonus = 0.2;
    private const double MaxScore = 1.0 + ArticleBonus + RegulationBonus + NamedBonus;

    /// <summary>The fused score plus bonuses for matching the analysis, scaled back to [0, 1] without capping ties.</summary>
    private static double Rerank(RetrievedChunk chunk, QueryAnalysis analysis)
    {
        var score = chunk.Score;
        if (analysis.ArticleNumbers.Contains(chunk.ArticleNumber ?? -1))
            score += ArticleBonus;
        if (analysis.Regulations.Contains(chunk.Regulation))
            score += RegulationBonus;
        // A passage that names what the user named (e.g. "GDPR", which the act's own text never says) explains it.
        if (analysis.Regulations.Any(r => chunk.Text.Contains(r, StringComparison.OrdinalIgnoreCase)))
            score += NamedBonus;
        return score / MaxScore;
    }
}
