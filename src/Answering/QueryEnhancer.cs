using System.Text.RegularExpressions;
using Pipeline.KnowledgeBase;
using Pipeline.KnowledgeBase.Questions;

namespace Pipeline.Answering;

/// <summary>
/// Query enhancement: expands the acronyms and short names of the regulations the corpus holds into their full
/// names in Italian and English, so full-text retrieval meets the wording of the acts themselves (the GDPR's text
/// says "regolamento generale sulla protezione dei dati", never "GDPR").
/// </summary>
public static partial class QueryEnhancer
{
    private static readonly (Regex Pattern, string Expansion)[] ActNames =
    [
        (Acronym("GDPR"), "protezione dei dati personali data protection personal data"),
        (Acronym("AI Act"), "intelligenza artificiale artificial intelligence"),
        (Acronym("DORA"), "resilienza operativa digitale digital operational resilience ICT"),
        (Acronym("CRA"), "cyber resilience prodotti con elementi digitali products with digital elements"),
        (Acronym("ESPR"), "ecodesign sustainable products prodotti sostenibili"),
    ];

    private static readonly (Regex Pattern, string Expansion)[] Expansions =
    [
        .. ActNames,
        (Acronym("DPO"), "responsabile della protezione dei dati data protection officer"),
        (Acronym("titolare"), "controller"),
        (Acronym("responsabile"), "processor"),
        (Acronym("processor"), "responsabile del trattamento"),
        (Acronym("controller"), "titolare del trattamento"),
    ];

    /// <summary>The question with expansions appended; unchanged when nothing applies.</summary>
    public static string Enhance(string question) => Enhance(question, ParallelTerms.None);

    /// <summary>As <see cref="Enhance(string)"/>, an Italian question's words also rendered by <paramref name="learnt"/>.</summary>
    public static string Enhance(string question, ParallelTerms learnt)
    {
        var additions = Expansions.Where(e => e.Pattern.IsMatch(question)).Select(e => e.Expansion).ToList();
        if (LanguageGuesser.Guess(question) == LanguageGuesser.Italian)
            additions.AddRange(LegalGlossary.Translate(question, learnt));
        return additions.Count == 0 ? question : $"{question} {string.Join(' ', additions)}";
    }

    /// <summary>What <see cref="Enhance"/> added to <paramref name="question"/>; empty when nothing was.</summary>
    public static string AdditionsOf(string question, string enhanced) =>
        enhanced.Length > question.Length && enhanced.StartsWith(question, StringComparison.Ordinal) ? enhanced[question.Length..].Trim() : "";

    /// <summary>
    /// <paramref name="text"/> (a question or its enhancement) without the acts' names and their expansions: within a
    /// search restricted to the act they match every passage alike, and crowd out what the question asks about it.
    /// </summary>
    public static string WithoutActNames(string text)
    {
        foreach (var (_, expansion) in ActNames)
            text = text.Replace(expansion, " ", StringComparison.Ordinal);
        return RegulationDetector.WithoutNames(text).Trim();
    }

    private static Regex Acronym(string term) => new($@"\b{Regex.Escape(term)}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
