using System.Diagnostics;

namespace Pipeline.Infrastructure.Telemetry;

/// <summary>The pipeline's own OpenTelemetry sources: one span per pipeline step, tagged with the flag decisions.</summary>
public static class PipelineTelemetry
{
    public const string SourceName = "Pipeline";

    public static readonly ActivitySource Source = new(SourceName);
}
