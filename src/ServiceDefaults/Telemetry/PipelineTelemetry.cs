using System.Diagnostics;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>The pipeline's own OpenTelemetry sources: one span per pipeline step, tagged with the flag decisions.</summary>
public static class PipelineTelemetry
{
    public const string SourceName = "Pipeline";

    /// <summary>Generation spans and meters in the GenAI semantic conventions (Microsoft.Extensions.AI's OpenTelemetry client).</summary>
    public const string GenAiSourceName = "Pipeline.GenAI";

    /// <summary>Span attributes every host sets, so one request's spans can be found and read together.</summary>
    public const string RequestIdTag = "pipeline.request_id";
    public const string PipelineTag = "pipeline.name";
    public const string ShadowTag = "pipeline.shadow";
    public const string RoutingFlagTag = "pipeline.routing.flag";
    public const string RoutingModeTag = "pipeline.routing.mode";
    public const string ReplayIdTag = "pipeline.replay_id";

    public static readonly ActivitySource Source = new(SourceName);
}
