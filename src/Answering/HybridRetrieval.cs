using Microsoft.Extensions.Options;
using Pipeline.Answering.Text;
using Pipeline.KnowledgeBase;
using Pipeline.KnowledgeBase.Questions;

namespace Pipeline.Answering;

/// <summary>
/// The workflow's retrieval: full-text and pgvector candidates fused by weighted reciprocal rank (alpha weights the
/// vector side), restricted to the regulation the question names (each named regulation in turn for a comparison)
/// and to the named article for article lookups, and reranked by how well each passage matches the analysis and how
/// much of its article title the question says; passages under the score threshold are dropped.
/// </summary>
public sealed class HybridRetrieval(IKnowledgeSearch search, IOptions<RetrievalOptions> options)
{
    /// <param name="question">The question as asked (vector search and one keyword list).</param>
    /// <param name="enhancedQuery">The enhancement step's rewrite (a second keyword list; what it added to an Italian question is also searched by vector, the model being English-only); the question itself when enhancement is off.</param>
    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string question, string enhancedQuery, QueryAnalysis analysis, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // A question that names one act is answered from that act: other acts' passages only crowd it out.
        var filter = analysis.Intent == QueryIntent.ArticleLookup && analysis.ArticleNumbers.Count > 0
            ? new SearchFilter(analysis.ArticleNumbers[0], analysis.Regulations.FirstOrDefault())
            : analysis.Regulations.Count == 1 ? new SearchFilter(null, analysis.Regulations[0])
            : null;
        var candidates = settings.TopK * settings.CandidateMultiplier;
        var translation = analysis.Language == LanguageGuesser.Italian ? QueryEnhancer.AdditionsOf(question, enhancedQuery) : "";
        var query = new FusionQuery(question, enhancedQuery, translation, candidates);

        List<RetrievedChunk> fused;
        if (analysis.Regulations.Count > 1 && analysis.Intent != QueryIntent.ArticleLookup)
        {
            // Each named regulation gets its share, so a comparison never cites only one side; every act's searches
            // go to the database together.
            var perRegulation = Math.Max(1, settings.TopK / analysis.Regulations.Count);
            var perAct = await FuseAsync(query with { Comparison = true }, analysis.Regulations.Select(r => new SearchFilter(null, r)).ToList(), cancellationToken);
            fused = perAct.SelectMany(act => act.Take(perRegulation)).ToList();
        }
        else
        {
            fused = (await FuseAsync(query, [filter], cancellationToken))[0];
            if (fused.Count == 0 && filter is not null)
                fused = (await FuseAsync(query, [filter with { Regulation = null }], cancellationToken))[0];
        }

        // The regulation names enhancement expands would match every title of their act; the question and its
        // translation say what the user is after.
        var queryTerms = TitleTerms($"{question} {translation}");
        var aboutTheAct = AsksWhatTheActIs(question, analysis);
        var fusedScores = fused.GroupBy(c => c.ChunkId).ToDictionary(g => g.Key, g => g.Max(c => c.Score));
        var reranked = fused
            .Select(c =>
            {
                // One pass of the detector over the passage serves both bonuses that ask whether it names the act.
                var named = analysis.Regulations.Count > 0 && RegulationDetector.NamesAny(c.Text, analysis.Regulations);
                var subjectMatter = aboutTheAct && SaysWhatTheActIs(c, named) ? SubjectMatterBonus : 0;
                return c with { Score = Rerank(c, analysis, queryTerms, named) + subjectMatter };
            })
            .Where(c => c.Score >= settings.ScoreThreshold)
            .ToList();
        return ArticleEvidence.Aggregate(reranked, c => fusedScores[c.ChunkId] / MaxScore, settings.ArticleEvidenceWeight, settings.ArticleEvidencePassages)
            .Take(settings.TopK)
            .Select(c => KeywordRetrieval.ToPassage(c with { Score = Math.Round(c.Score, 4) }))
            .ToList();
    }

    /// <summary>Article 1 of every EU act states its subject matter and objectives: what the act is.</summary>
    private const int SubjectMatterArticle = 1;

    /// <summary>Enough to put the subject-matter article ahead of any passage that merely mentions the act.</summary>
    private const double SubjectMatterBonus = 0.2;

    /// <summary>
    /// "Cos'è il GDPR?", "What is DORA?": a definition question naming an act and nothing else is answered by the
    /// act's own statement of what it is, not by whichever passage repeats its name most.
    /// </summary>
    private static bool AsksWhatTheActIs(string question, QueryAnalysis analysis) =>
        analysis.Intent == QueryIntent.Definition && analysis.Regulations.Count == 1
        && !KeywordQuery.Terms(RegulationDetector.WithoutNames(question)).Except(DefinitionWords).Any();

    /// <summary>
    /// The act's subject-matter article, or a passage naming the act (its overview: "The GDPR is …"), which the act's
    /// own articles never do.
    /// </summary>
    private static bool SaysWhatTheActIs(RetrievedChunk chunk, bool namesTheAct) =>
        chunk.ArticleNumber == SubjectMatterArticle || namesTheAct;

    /// <summary>The words a definition question asks with, beyond the keyword stop words.</summary>
    private static readonly HashSet<string> DefinitionWords = ["define", "definition", "definizione", "intende", "si", "mean", "means", "significa"];

    /// <param name="Comparison">The question compares acts and is searched in each in turn.</param>
    private sealed record FusionQuery(string Question, string Enhanced, string Translation, int Candidates, bool Comparison = false);

    /// <summary>The searches of every filter in one call to the knowledge base, fused per filter.</summary>
    private async Task<List<List<RetrievedChunk>>> FuseAsync(FusionQuery query, IReadOnlyList<SearchFilter?> filters, CancellationToken cancellationToken)
    {
        var searches = new List<SearchRequest>();
        int Search(SearchKind kind, string text, SearchFilter? filter)
        {
            searches.Add(new SearchRequest(kind, text, query.Candidates, filter, options.Value.KeywordRanking));
            return searches.Count - 1;
        }

        // Where each filter's lists are among the searches; -1 for a list not searched.
        var lists = filters.Select(filter =>
        {
            var texts = TextsFor(query, filter);
            return (
                Keyword: Search(SearchKind.Keywords, texts.Question, filter),
                Enhanced: texts.Enhanced == texts.Question ? -1 : Search(SearchKind.Keywords, texts.Enhanced, filter),
                Vector: Search(SearchKind.Vector, texts.Vector, filter),
                Translated: texts.Translation.Length == 0 ? -1 : Search(SearchKind.Vector, texts.Translation, filter));
        }).ToList();
        var found = await search.SearchAsync(searches, cancellationToken);
        IReadOnlyList<RetrievedChunk> Found(int index) => index < 0 ? [] : found[index];
        return lists.Select(l => Fuse(Found(l.Keyword), Found(l.Enhanced), Found(l.Vector), Found(l.Translated))).ToList();
    }

    /// <summary>What each of one filter's searches looks for.</summary>
    private static (string Question, string Enhanced, string Vector, string Translation) TextsFor(FusionQuery query, SearchFilter? filter)
    {
        var asked = QueryEnhancer.WithoutActNames(query.Question);
        if (filter?.Regulation is null || !KeywordQuery.Terms(asked).Any())
            return (query.Question, query.Enhanced, query.Question, query.Translation);
        // Within one act, its name (and the words enhancement expanded it to) matches every passage alike and crowds
        // out what the question asks about the act. One side of a comparison keeps the whole question for its vector
        // search: the relation between the acts is what it asks, and without the names little is left ("Compare GDPR
        // and DORA"); measured, stripping it there lost comparisons (docs/benchmarks.md).
        var enhanced = query.Enhanced == query.Question ? asked : QueryEnhancer.WithoutActNames(query.Enhanced);
        return (asked, enhanced, query.Comparison ? query.Question : asked, QueryEnhancer.WithoutActNames(query.Translation));
    }

    /// <summary>Weighted reciprocal rank fusion of one filter's lists.</summary>
    private List<RetrievedChunk> Fuse(IReadOnlyList<RetrievedChunk> keyword, IReadOnlyList<RetrievedChunk> enhanced,
        IReadOnlyList<RetrievedChunk> vector, IReadOnlyList<RetrievedChunk> translated)
    {
        var (alpha, rankConstant) = (options.Value.Alpha, options.Value.RankConstant);
        var scores = new Dictionary<string, (RetrievedChunk Chunk, double Score)>();
        void Add(IReadOnlyList<RetrievedChunk> ranked, double weight)
        {
            for (var rank = 0; rank < ranked.Count; rank++)
            {
                var chunk = ranked[rank];
                var contribution = weight * (rankConstant + 1) / (rankConstant + rank + 1);
                scores[chunk.ChunkId] = scores.TryGetValue(chunk.ChunkId, out var existing)
                    ? (existing.Chunk, existing.Score + contribution)
                    : (chunk, contribution);
            }
        }

        // The model is English-only: an Italian text and an English one are 0.1–0.2 apart whatever they say, so a
        // passage's vector evidence is its similarity to the query in its own language (the Italian question for the
        // Italian texts, its English terms for the acts held in English), each at the vector side's full weight.
        if (translated.Count == 0)
        {
            Add(vector, alpha);
        }
        else
        {
            Add(vector.Where(c => LanguageGuesser.Guess(c.Text) == LanguageGuesser.Italian).ToList(), alpha);
            Add(translated.Where(c => LanguageGuesser.Guess(c.Text) != LanguageGuesser.Italian).ToList(), alpha);
        }

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
    private const double TitleBonus = 0.3;
    private const double ProvisionBonus = 0.2;
    private const double MaxScore = 1.0 + ArticleBonus + RegulationBonus + NamedBonus + TitleBonus + ProvisionBonus;

    /// <summary>Words of a title compared by their first letters, so singular and plural (obligation, obligations) meet.</summary>
    private const int TitleStemLength = 6;

    /// <summary>The fused score plus bonuses for matching the analysis, scaled back to [0, 1] without capping ties.</summary>
    private static double Rerank(RetrievedChunk chunk, QueryAnalysis analysis, HashSet<string> queryTerms, bool namesAnActAsked)
    {
        var score = chunk.Score;
        if (analysis.ArticleNumbers.Contains(chunk.ArticleNumber ?? -1))
            score += ArticleBonus;
        if (analysis.Regulations.Contains(chunk.Regulation))
            score += RegulationBonus;
        // A passage that names what the user named (e.g. "GDPR", which the act's own text never says) explains it.
        // Named as a word: "CRA" is inside "democratic" and "bureaucracy".
        if (namesAnActAsked)
            score += NamedBonus;
        // An article title is the act's own summary of what the article answers: a question saying most of it
        // ("right to erasure") is asking for that article.
        score += TitleBonus * TitleShare(chunk.ArticleTitle, queryTerms);
        // An article is what the act provides; recitals (half of every act's passages) explain why and outnumber it,
        // annexes detail it. A question about a rule is answered by the article laying it down.
        if (chunk.ArticleNumber is not null)
            score += ProvisionBonus;
        return score / MaxScore;
    }

    /// <summary>Title words matched before a title counts in full: a one-word title ("Security") is said in passing.</summary>
    private const double TitleWordsForFullMatch = 2;

    /// <summary>Share of the title's words the query says, discounted for titles of a single word.</summary>
    private static double TitleShare(string? title, HashSet<string> queryTerms)
    {
        if (string.IsNullOrWhiteSpace(title))
            return 0;
        var terms = TitleTerms(title);
        var said = terms.Count(queryTerms.Contains);
        return terms.Count == 0 ? 0 : (double)said / terms.Count * Math.Min(1, said / TitleWordsForFullMatch);
    }

    private static HashSet<string> TitleTerms(string text) =>
        TextStatistics.Terms(text).Select(t => t.Length > TitleStemLength ? t[..TitleStemLength] : t).ToHashSet(StringComparer.Ordinal);
}
