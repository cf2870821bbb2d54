namespace Pipeline.Answering;

/// <summary>Italian words and their English translations as learnt from parallel texts (<see cref="ParallelTermLearner"/>).</summary>
public sealed class ParallelTerms(IReadOnlyDictionary<string, string> translations)
{
    /// <summary>Nothing learnt (no act is in the knowledge base in both languages yet).</summary>
    public static ParallelTerms None { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    public int Count => translations.Count;

    /// <summary>The English word for a lower-case, unaccented Italian word (see <see cref="LegalGlossary.Words"/>); null when none was learnt.</summary>
    public string? Translate(string italianWord) => translations.GetValueOrDefault(italianWord);
}
