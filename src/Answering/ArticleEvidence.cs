using Pipeline.KnowledgeBase;

namespace Pipeline.Answering;

/// <summary>
/// Several passages of one article among the candidates are evidence that the article answers: each passage's score
/// gains a share of the best scores of its article's other candidate passages (either language of the same act, so
/// an Italian question's hits in the Italian GDPR also speak for the English text). Recitals and annexes have no
/// article number and stand alone. A long article does not win by length alone: only its best few other passages
/// count, and each only by <see cref="RetrievalOptions.ArticleEvidenceWeight"/>.
/// </summary>
internal static class ArticleEvidence
{
    /// <summary>The candidates with their scores raised by their article's other passages, best first.</summary>
    /// <param name="evidence">What a passage says for its article, in [0, 1]: its relevance to the question alone, without the bonuses every passage of a named act or every article shares.</param>
    public static List<RetrievedChunk> Aggregate(IReadOnlyList<RetrievedChunk> candidates, Func<RetrievedChunk, double> evidence, double weight, int passages)
    {
        if (weight <= 0 || passages <= 0)
            return candidates.OrderByDescending(c => c.Score).ThenBy(c => c.ChunkId, StringComparer.Ordinal).ToList();

        var byArticle = candidates
            .Where(c => c.ArticleNumber is not null)
            .GroupBy(ArticleOf)
            .ToDictionary(g => g.Key, g => g.Select(c => (c.ChunkId, Evidence: evidence(c))).OrderByDescending(c => c.Evidence).ThenBy(c => c.ChunkId, StringComparer.Ordinal).ToList());
        return candidates
            .Select(c =>
            {
                var others = c.ArticleNumber is null ? 0 : byArticle[ArticleOf(c)].Where(o => o.ChunkId != c.ChunkId).Take(passages).Sum(o => o.Evidence);
                // Every passage scaled alike back into [0, 1] (for evidence in [0, 1]): the order is what the raise decides.
                return c with { Score = (c.Score + weight * others) / (1 + weight * passages) };
            })
            .OrderByDescending(c => c.Score).ThenBy(c => c.ChunkId, StringComparer.Ordinal)
            .ToList();
    }

    private static (string Regulation, int Article) ArticleOf(RetrievedChunk chunk) =>
        (chunk.Regulation.ToUpperInvariant(), chunk.ArticleNumber!.Value);
}
