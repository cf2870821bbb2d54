using System.Text.RegularExpressions;
using Pipeline.KnowledgeBase;

namespace Pipeline.KnowledgeBase.Questions;

/// <summary>
/// Finds the regulations a question names, in Italian or English, by acronym, full or colloquial name, or official
/// number ("GDPR", "regolamento generale sulla protezione dei dati", "2016/679", "legge sull'IA", "DORA" …), in the
/// order they are first named, so a comparison can take them in turn. Users rarely write the short names the
/// knowledge base files its documents under, and a question that names an act should be answered from that act.
/// </summary>
public static class RegulationDetector
{
    /// <summary>Each regulation's names (a key of <see cref="RegulationNames"/>); an apostrophe matches ' or ’.</summary>
    private static readonly (string Regulation, string[] Names)[] Names =
    [
        ("GDPR", ["GDPR", "RGPD", "General Data Protection Regulation", "regolamento generale sulla protezione dei dati", "2016/679"]),
        ("AI Act", ["AI Act", "Artificial Intelligence Act", "legge sull'IA", "legge sull'intelligenza artificiale", "legge europea sull'IA",
            "regolamento sull'IA", "regolamento sull'intelligenza artificiale", "regolamento europeo sull'intelligenza artificiale",
            "regolamento IA", "2024/1689"]),
        ("CRA", ["CRA", "Cyber Resilience Act", "Cyber-Resilience Act", "regolamento sulla ciberresilienza", "legge sulla ciberresilienza",
            "regolamento sulla resilienza informatica", "2024/2847"]),
        ("DORA", ["DORA", "Digital Operational Resilience Act", "digital operational resilience", "resilienza operativa digitale", "2022/2554"]),
        ("ESPR", ["ESPR", "Ecodesign for Sustainable Products Regulation", "regolamento sulla progettazione ecocompatibile", "2024/1781"]),
        ("NIS2", ["NIS2", "NIS 2", "2022/2555"]),
    ];

    private static readonly (string Regulation, Regex Pattern)[] Patterns =
        Names.Select(n => (n.Regulation, new Regex(
                $@"(?<![\p{{L}}\p{{N}}/])(?:{string.Join('|', n.Names.OrderByDescending(x => x.Length).Select(Pattern))})(?![\p{{L}}\p{{N}}/])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)))
            .ToArray();

    /// <summary>The regulations named in <paramref name="question"/>, each once, in the order first named.</summary>
    public static IReadOnlyList<string> Detect(string question) =>
        Patterns
            .Select(p => (p.Regulation, Match: p.Pattern.Match(question)))
            .Where(p => p.Match.Success)
            .OrderBy(p => p.Match.Index)
            .Select(p => p.Regulation)
            .ToList();

    /// <summary>
    /// Whether <paramref name="text"/> names any of <paramref name="regulations"/>: only their patterns run, and each
    /// stops at its first match (a passage is long, and a pattern of many names tries at most of its letters).
    /// </summary>
    public static bool NamesAny(string text, IReadOnlyCollection<string> regulations) =>
        Patterns.Any(p => regulations.Contains(p.Regulation) && p.Pattern.IsMatch(text));

    /// <summary>The question without the regulation names it contains: what it asks about them.</summary>
    public static string WithoutNames(string question) =>
        Patterns.Aggregate(question, (text, p) => p.Pattern.Replace(text, " "));

    /// <summary>A name as a pattern: any run of spaces between words, either apostrophe.</summary>
    private static string Pattern(string name) =>
        string.Join(@"\s+", name.Split(' ').Select(word => Regex.Escape(word).Replace("'", "['’]", StringComparison.Ordinal)));
}
