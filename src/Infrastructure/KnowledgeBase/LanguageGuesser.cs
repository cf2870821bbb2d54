namespace Pipeline.Infrastructure.KnowledgeBase;

/// <summary>Tells Italian from English by their commonest words: enough for a two-language corpus, not a general detector.</summary>
public static class LanguageGuesser
{
    public const string Italian = "it";
    public const string English = "en";

    private static readonly HashSet<string> ItalianWords = ["il", "della", "del", "che", "per", "sono", "dei", "delle", "nel", "alla", "gli", "è", "cos'è", "quali", "quanti", "articolo"];
    private static readonly HashSet<string> EnglishWords = ["the", "of", "and", "to", "is", "are", "which", "what", "for", "with", "that", "article", "how", "does"];

    public static string Guess(string text)
    {
        int italian = 0, english = 0;
        foreach (var word in text.ToLowerInvariant().Split([' ', '\n', '\r', '\t', ',', '.', '?', '!', ';', ':', '(', ')'], StringSplitOptions.RemoveEmptyEntries).Take(2_000))
        {
            if (ItalianWords.Contains(word))
                italian++;
            else if (EnglishWords.Contains(word))
                english++;
        }

        return italian > english ? Italian : English;
    }
}
