using Pipeline.Contracts;

namespace Pipeline.Api.Chat;

/// <summary>The lower-case names the contract uses on the wire for pipelines and modes.</summary>
internal static class ChatWireNames
{
    public static string Of(ChatPipeline pipeline) => pipeline switch
    {
        ChatPipeline.Legacy => "legacy",
        ChatPipeline.Workflow => "workflow",
        _ => throw new ArgumentOutOfRangeException(nameof(pipeline), pipeline, null),
    };

    public static string Of(RoutingMode mode) => mode switch
    {
        RoutingMode.Disabled => "disabled",
        RoutingMode.Shadow => "shadow",
        RoutingMode.Enabled => "enabled",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
