using System.Text;

namespace Pipeline.Answering;

/// <summary>
/// Renders the key legal terms of an Italian question in the English wording of the EU acts
/// (<c>LegalGlossary.it-en.tsv</c>): the AI Act, the CRA and DORA are in the corpus in English only, and the
/// embedding model is English-only, so an Italian question finds their articles through these terms.
/// </summary>
internal static class LegalGlossary
{
    private const string ResourceName = "Pipeline.Answering.LegalGlossary.it-en.tsv";
    private const char AnyEnding = '*';
    private const string CommentMarker = "#";

    // The hosts run with invariant globalization, where string normalisation does not decompose accents: the
    // accented letters of Italian (and the French-style ones users type by mistake) are folded by hand.
    private const string Accented = "àáâäèéêëìíîïòóôöùúûü";
    private const string Unaccented = "aaaaeeeeiiiioooouuuu";

    private sealed record Entry(string[] Words, string English);

    /// <summary>Longest phrases first, so a phrase wins over the single words it contains.</summary>
    private static readonly Lazy<IReadOnlyList<Entry>> Entries = new(Load);

    /// <summary>The English terms of the glossary entries found in <paramref name="italian"/>, in the order found, each once.</summary>
    public static IReadOnlyList<string> Translate(string italian) => Translate(italian, ParallelTerms.None);

    /// <summary>
    /// As <see cref="Translate(string)"/>, then each word no entry took that <paramref name="learnt"/> translates: the
    /// hand-written phrases win ("titolare del trattamento" is "controller", not "holder" + "processing").
    /// </summary>
    public static IReadOnlyList<string> Translate(string italian, ParallelTerms learnt)
    {
        var words = Words(italian);
        var used = new bool[words.Count];
        var found = new List<(int Position, string English)>();
        foreach (var entry in Entries.Value)
        {
            for (var start = 0; start + entry.Words.Length <= words.Count; start++)
            {
                if (!MatchesAt(entry, words, used, start))
                    continue;
                for (var i = 0; i < entry.Words.Length; i++)
                    used[start + i] = true;
                found.Add((start, entry.English));
            }
        }

        for (var position = 0; position < words.Count; position++)
        {
            if (!used[position] && learnt.Translate(words[position]) is { } english)
                found.Add((position, english));
        }

        return found.OrderBy(f => f.Position).Select(f => f.English).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static bool MatchesAt(Entry entry, List<string> words, bool[] used, int start)
    {
        for (var i = 0; i < entry.Words.Length; i++)
        {
            var expected = entry.Words[i];
            var word = words[start + i];
            if (used[start + i])
                return false;
            var matches = expected[^1] == AnyEnding
                ? word.StartsWith(expected[..^1], StringComparison.Ordinal)
                : word == expected;
            if (!matches)
                return false;
        }

        return true;
    }

    private static IReadOnlyList<Entry> Load()
    {
        using var stream = typeof(LegalGlossary).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded glossary {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var entries = new List<Entry>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith(CommentMarker, StringComparison.Ordinal))
                continue;
            var columns = line.Split('\t');
            if (columns.Length != 2)
                throw new InvalidOperationException($"Glossary line '{line}' is not 'Italian<TAB>English'.");
            entries.Add(new Entry(Words(columns[0]).ToArray(), columns[1].Trim()));
        }

        return entries.OrderByDescending(e => e.Words.Length).ToList();
    }

    /// <summary>Lower-case words without accents; an apostrophe separates words (dall'IA → dall, ia); * is kept.</summary>
    internal static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c == AnyEnding)
            {
                var lower = char.ToLowerInvariant(c);
                var accented = Accented.IndexOf(lower, StringComparison.Ordinal);
                word.Append(accented < 0 ? lower : Unaccented[accented]);
                continue;
            }

            if (word.Length > 0)
                words.Add(word.ToString());
            word.Clear();
        }

        if (word.Length > 0)
            words.Add(word.ToString());
        return words;
    }
}
