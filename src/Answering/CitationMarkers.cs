using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Answering;

/// <summary>The <c>[n]</c> citation markers of an answer text.</summary>
public static partial class CitationMarkers
{
    /// <summary>Every marker's number, in order, repeats included.</summary>
    public static IReadOnlyList<int> Numbers(string text) =>
        Marker().Matches(text).Select(m => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)).ToList();

    /// <summary>The text with its markers removed, so marker numbers never count as words.</summary>
    public static string Strip(string text) => Marker().Replace(text, " ");

    [GeneratedRegex(@"\[(?<n>\d{1,4})\]")]
    private static partial Regex Marker();
}
