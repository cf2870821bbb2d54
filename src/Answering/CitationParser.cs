using System.Text.RegularExpressions;
using Pipeline.Contracts;

namespace Pipeline.Answering;

/// <summary>Finds the <c>[n]</c> markers of an answer and keeps, as citations, those that point at a real source.</summary>
/// <remarks>The text itself is left alone: callers already saw it streamed, and its pieces must add up to it.</remarks>
internal static partial class CitationParser
{
    /// <summary>The valid citations of <paramref name="text"/>, in order of first use.</summary>
    public static IReadOnlyList<ChatCitation> Parse(string text, IReadOnlyList<ChatSource> sources)
    {
        var citations = new List<ChatCitation>();
        var seen = new HashSet<int>();
        foreach (Match match in Marker().Matches(text))
        {
            var index = int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (index >= 1 && index <= sources.Count && seen.Add(index))
                citations.Add(new ChatCitation(index, sources[index - 1].Id));
        }

        return citations;
    }

    [GeneratedRegex(@"\[(?<n>\d{1,4})\]")]
    private static partial Regex Marker();
}
