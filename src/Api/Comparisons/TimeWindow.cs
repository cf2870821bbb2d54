using System.Globalization;
using System.Xml;

namespace Pipeline.Api.Comparisons;

/// <summary>Parses a window such as <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>7d</c> or ISO-8601 <c>PT1H</c>.</summary>
public static class TimeWindow
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
            catch (FormatException)
            {
                return false;
            }
        }
        else
        {
            var unit = text[^1];
            if (!int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
                return false;
            window = unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => TimeSpan.Zero,
            };
        }

        return window > TimeSpan.Zero && window <= Longest;
    }
}
