
namespace Pipeline.KnowledgeBase;

/// <summary>Tells Italian from English by their commonest words: enough for a two-language corpus, not a general detector.</summary>
public static class LanguageGuesser
{
    public const string Italian = "it";
    public const string English = "en";

    // Short questions need the question words too ("Cosa deve fare un produttore …?" has none of the article words);
    // words both languages write ("in", "a", "ai" as in "AI Act") are left out.
    private static readonly HashSet<string> ItalianWords =
    [
        "il", "della", "del", "che", "per", "sono", "dei", "delle", "nel", "alla", "gli", "è", "cos", "quali", "quanti", "articolo",
        "cosa", "un", "una", "di", "e", "quando", "deve", "devono", "posso", "può", "possono", "quale", "come", "chi", "dove", "perché",
        "sul", "sulla", "dal", "dalla", "dall", "dello", "nell", "all", "secondo", "tra", "fra", "lo", "la", "le", "si", "non", "ha", "hanno",
        "entro", "quanto", "quante", "mio", "miei", "mie", "questo", "questa", "sui", "ad", "ed",
    ];

    private static readonly HashSet<string> EnglishWords =
    [
        "the", "of", "and", "to", "is", "are", "which", "what", "for", "with", "that", "article", "how", "does",
        "an", "can", "must", "when", "who", "do", "my", "me", "under", "by", "be", "shall", "should", "there", "from", "about", "why", "where",
    ];

    public static string Guess(string text)
    {
        int italian = 0, english = 0;
        foreach (var word in text.ToLowerInvariant().Split([' ', '\n', '\r', '\t', ',', '.', '?', '!', ';', ':', '(', ')', '\'', '’'], StringSplitOptions.RemoveEmptyEntries).Take(2_000))
        {
            if (ItalianWords.Contains(word))
                italian++;
            else if (EnglishWords.Contains(word))
                english++;
        }

        return italian > english ? Italian : English;
    }
}
