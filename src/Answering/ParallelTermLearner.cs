using System.Numerics;

namespace Pipeline.Answering;

/// <summary>One provision of an act (an article or a recital) in both of its languages: the unit two versions share.</summary>
internal sealed record ParallelProvision(string Italian, string English);

/// <summary>
/// Learns Italian→English word translations from an act's two language versions aligned provision by provision. A
/// word and its translation occur in the same provisions, so an Italian word's translation is the English word whose
/// set of provisions overlaps its own best (Dice coefficient), kept when the overlap is strong and seen often enough.
/// Written here because no served package aligns words; this is the classic co-occurrence method, which is enough for
/// the few hundred provisions of an act. Each word's provisions are a bit set, so an overlap is a few AND + popcounts.
/// </summary>
internal static class ParallelTermLearner
{
    public static ParallelTerms Learn(IEnumerable<ParallelProvision> provisions, EnhancementOptions options)
    {
        var units = provisions.ToList();
        var italian = Occurrences(units.Select(u => u.Italian), units.Count, options);
        // English words in a large share of provisions ("shall", "their") carry no meaning a query can use.
        var commonEnglish = (int)Math.Ceiling(options.MaxEnglishProvisionShare * units.Count);
        var english = Occurrences(units.Select(u => u.English), units.Count, options)
            .Where(e => e.Count <= commonEnglish)
            .OrderBy(e => e.Count)
            .ToList();
        var englishCounts = english.Select(e => e.Count).ToArray();

        var translations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in italian)
        {
            // Dice ≥ d needs 2·min(a, b) / (a + b) ≥ d, so only English words seen a similar number of times can reach it.
            var low = (int)Math.Floor(word.Count * options.MinDice / (2 - options.MinDice));
            var high = (int)Math.Ceiling(word.Count * (2 - options.MinDice) / options.MinDice);
            var start = LowerBound(englishCounts, Math.Max(low, options.MinCooccurrences));
            string? best = null;
            var bestDice = 0.0;
            for (var e = start; e < english.Count && english[e].Count <= high; e++)
            {
                var together = Overlap(word.Provisions, english[e].Provisions);
                if (together < options.MinCooccurrences)
                    continue;
                var dice = 2.0 * together / (word.Count + english[e].Count);
                if (dice < options.MinDice)
                    continue;
                if (dice > bestDice || (dice == bestDice && string.CompareOrdinal(english[e].Word, best) < 0))
                {
                    best = english[e].Word;
                    bestDice = dice;
                }
            }

            if (best is not null)
                translations[word.Word] = best;
        }

        return new ParallelTerms(translations);
    }

    private sealed record Occurrence(string Word, ulong[] Provisions, int Count);

    /// <summary>Every word seen in at least the minimum number of provisions, with the set of provisions it is in.</summary>
    private static List<Occurrence> Occurrences(IEnumerable<string> texts, int unitCount, EnhancementOptions options)
    {
        var sets = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
        var unit = 0;
        foreach (var text in texts)
        {
            foreach (var word in LegalGlossary.Words(text))
            {
                if (word.Length < options.MinWordLength || !word.All(char.IsLetter))
                    continue;
                if (!sets.TryGetValue(word, out var set))
                    sets[word] = set = new ulong[(unitCount + 63) / 64];
                set[unit / 64] |= 1UL << (unit % 64);
            }

            unit++;
        }

        return sets.Select(s => new Occurrence(s.Key, s.Value, s.Value.Sum(BitOperations.PopCount)))
            .Where(o => o.Count >= options.MinCooccurrences)
            .ToList();
    }

    private static int Overlap(ulong[] a, ulong[] b)
    {
        var count = 0;
        for (var i = 0; i < a.Length; i++)
            count += BitOperations.PopCount(a[i] & b[i]);
        return count;
    }

    private static int LowerBound(int[] sorted, int value)
    {
        var index = Array.BinarySearch(sorted, value);
        if (index < 0)
            return ~index;
        while (index > 0 && sorted[index - 1] == value)
            index--;
        return index;
    }
}
