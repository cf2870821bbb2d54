using System.Text.RegularExpressions;

namespace Pipeline.Answering;

/// <summary>Recognises questions about the knowledge base itself ("Quanti documenti ci sono nel database?").</summary>
public static partial class CountQuestion
{
    public static bool Matches(string question) => Pattern().IsMatch(question);

    [GeneratedRegex(@"\b(quanti|quante|how many|number of)\b.*\b(document\w*|fonti|sources?|testi|texts?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
