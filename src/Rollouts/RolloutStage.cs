using System.Globalization;

namespace Pipeline.Rollouts;

/// <summary>A rollout stage: shadow mode for everyone, or the flag enabled for a percentage of users.</summary>
public readonly record struct RolloutStage(double? Percentage)
{
    public const string ShadowName = "shadow";
    public const double Everyone = 100;

    public static RolloutStage Shadow => new(null);

    public bool IsShadow => Percentage is null;

    public override string ToString() => Percentage is { } p ? p.ToString(CultureInfo.InvariantCulture) : ShadowName;

    public static bool TryParse(string? text, out RolloutStage stage)
    {
        stage = default;
        if (string.Equals(text, ShadowName, StringComparison.Ordinal))
        {
            stage = Shadow;
            return true;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percentage) && percentage is > 0 and <= Everyone)
        {
            stage = new RolloutStage(percentage);
            return true;
        }

        return false;
    }
}
