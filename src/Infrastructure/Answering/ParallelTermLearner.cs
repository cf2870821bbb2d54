namespace Pipeline.Infrastructure.Answering;

/// <summary>One provision of an act (an article or a recital) in both of its languages: the unit two versions share.</summary>
internal sealed record ParallelProvision(string Italian, string English);

/// <summary>
/// Learns Italian→English word translations from an act's two language versions aligned provision by provision. A
/// word and its translation occur in the same provisions, so an Italian word's translation is the English word whose
/// set of provisions overlaps its own best (Dice coefficient), kept when the overlap is strong and seen often enough.
/// Written here because no served package aligns words; this is the classic co-occurrence method, which is enough for
/// the few hundred provisions of an act.
/// </summary>
internal static class ParallelTermLearner
{
    public static ParallelTerms Learn(IEnumerable<ParallelProvision> provisions, EnhancementOptions options)
    {
        var italianIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var englishIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var italianWords = new List<string>();
        var englishWords = new List<string>();
        var units = new List<(int[] Italian, int[] English)>();
        foreach (var provision in provisions)
        {
            units.Add((Ids(provision.Italian, italianIds, italianWords, options.MinWordLength),
                Ids(provision.English, englishIds, englishWords, options.MinWordLength)));
        }

        var italianCounts = new int[italianWords.Count];
        var englishCounts = new int[englishWords.Count];
        var together = new Dictionary<long, int>();
        foreach (var (italian, english) in units)
        {
            foreach (var i in italian)
                italianCounts[i]++;
            foreach (var e in english)
                englishCounts[e]++;
            foreach (var i in italian)
            {
                foreach (var e in english)
                {
                    var key = ((long)i << 32) | (uint)e;
                    together[key] = together.GetValueOrDefault(key) + 1;
                }
            }
        }

        // English words in a large share of provisions ("shall", "the", "their") carry no meaning a query can use.
        var commonEnglish = (int)Math.Ceiling(options.MaxEnglishProvisionShare * units.Count);
        var best = new Dictionary<int, (int English, double Dice)>();
        foreach (var (key, count) in together)
        {
            if (count < options.MinCooccurrences)
                continue;
            var i = (int)(key >> 32);
            var e = (int)(uint)key;
            if (englishCounts[e] > commonEnglish)
                continue;
            var dice = 2.0 * count / (italianCounts[i] + englishCounts[e]);
            if (dice < options.MinDice)
                continue;
            if (!best.TryGetValue(i, out var current) || dice > current.Dice
                || (dice == current.Dice && string.CompareOrdinal(englishWords[e], englishWords[current.English]) < 0))
                best[i] = (e, dice);
        }

        return new ParallelTerms(best.ToDictionary(b => italianWords[b.Key], b => englishWords[b.Value.English], StringComparer.Ordinal));
    }

    private static int[] Ids(string text, Dictionary<string, int> ids, List<string> words, int minLength)
    {
        var found = new HashSet<int>();
        foreach (var word in LegalGlossary.Words(text))
        {
            if (word.Length < minLength || !word.All(char.IsLetter))
                continue;
            if (!ids.TryGetValue(word, out var id))
            {
                id = words.Count;
                ids.Add(word, id);
                words.Add(word);
            }

            found.Add(id);
        }

        return [.. found];
    }
}
