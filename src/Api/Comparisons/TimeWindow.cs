using System.Globalization;
using System.Xml;

namespace Pipeline.Api.Comparisons;

/// <summary>Parses a window such as <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>7d</c> or ISO-8601 <c>PT1H</c>.</summary>
internal static class TimeWindow
{
    public static readonly TimeSpan Longest = TimeSpan.FromDays(90);

    public static bool TryParse(string? text, out TimeSpan window)
    {
        window = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;

        text = text.Trim();
        if (text.StartsWith('P'))
        {
            try
            {
                window = XmlConvert.ToTimeSpan(text);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                return false;
            }
        }
        else
        {
            var unit = text[^1];
            var unitSeconds = unit switch { 's' => 1L, 'm' => 60L, 'h' => 3_600L, 'd' => 86_400L, _ => 0L };
            // Bounded before a TimeSpan is built: 99999999d would overflow it.
            if (unitSeconds == 0 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
                || amount * unitSeconds > (long)Longest.TotalSeconds)
                return false;
            window = TimeSpan.FromSeconds(amount * unitSeconds);
        }

        return window > TimeSpan.Zero && window <= Longest;
    }
}
