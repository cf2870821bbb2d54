using Microsoft.Extensions.Configuration;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>Whether a host collects telemetry at all (<c>Telemetry:*</c>); which traces are kept is the <c>telemetry</c> flag's call.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The settings as configured, for decisions taken while services are registered (before options can be resolved).</summary>
    public static TelemetryOptions From(IConfiguration configuration) => configuration.GetSection(SectionName).Get<TelemetryOptions>() ?? new();

    /// <summary>Off: no OpenTelemetry in the process (no spans, meters, exporters or <c>/metrics</c>), the baseline of the overhead benchmark.</summary>
    public bool Enabled { get; set; } = true;
}
