using Pipeline.Persistence.Alerts;

namespace Pipeline.Api.Alerts;

/// <summary>An active alert as the contract names it.</summary>
internal sealed record AlertResponse(string Rule, string Severity, double Value, double Threshold, DateTime Since, DateTime EvaluatedAt)
{
    public static AlertResponse From(ActiveAlert alert) =>
        new(alert.Rule, alert.Severity, alert.Value, alert.Threshold, alert.Since, alert.EvaluatedAt);
}
