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

    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string question, QueryAnalysis analysis, CancellationToken cancellationToken)
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
                fused.AddRange((await FuseAsync(question, candidates, new SearchFilter(null, regulation), cancellationToken)).Take(perRegulation));
        }
        else
        {
            fused = await FuseAsync(question, candidates, filter, cancellationToken);
            if (fused.Count == 0 && filter is not null)
                fused = await FuseAsync(question, candidates, filter with { Regulation = null }, cancellationToken);
        }

        return fused
            .Select(c => c with { Score = Math.Round(Rerank(c, analysis), 4) })
            .Where(c => c.Score >= settings.ScoreThreshold)
            .OrderByDescending(c => c.Score).ThenBy(c => c.ChunkId)
            .Take(settings.TopK)
            .Select(KeywordRetrieval.ToPassage)
            .ToList();
    }

    private async Task<List<RetrievedChunk>> FuseAsync(string question, int candidates, SearchFilter? filter, CancellationToken cancellationToken)
    {
        var alpha = options.Value.Alpha;
        var keyword = await search.SearchKeywordsAsync(question, candidates, filter, cancellationToken);
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
        Add(keyword, 1 - alpha);
        // Both lists agreeing on the top passage gives 1.0; the fused score is a share of that.
        return scores.Values.OrderByDescending(s => s.Score).Select(s => s.Chunk with { Score = s.Score }).ToList();
    }

    private static double Rerank(RetrievedChunk chunk, QueryAnalysis analysis)
    {
        var score = chunk.Score;
        if (analysis.ArticleNumbers.Contains(chunk.ArticleNumber ?? -1))
            score += 0.3;
        if (analysis.Regulations.Contains(chunk.Regulation))
            score += 0.2;
        return Math.Min(1.0, score * 0.8);
    }
}
