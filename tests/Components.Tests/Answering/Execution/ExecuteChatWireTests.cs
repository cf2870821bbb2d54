using System.Text.Json;
using MassTransit.Serialization;
using Pipeline.Contracts;
using Pipeline.Platform.Serialization;
using Xunit;

namespace Pipeline.Components.Tests.Answering.Execution;

public sealed class ExecuteChatWireTests
{
    private static readonly JsonSerializerOptions Bus = PipelineJson.ConfigureBus(new JsonSerializerOptions(SystemTextJsonMessageSerializer.Options));

    [Fact]
    public void A_command_round_trips_on_the_bus_in_named_parts()
    {
        var command = new ExecuteChat(Guid.NewGuid(), Guid.NewGuid(), ChatPipeline.Workflow, 1,
            new ChatQuestion("What does DORA say about ICT risk?", true, "alice", "beta", "alice"),
            new ExecutionSettings(Shadow: false, new DateTime(2026, 12, 1, 9, 0, 30, DateTimeKind.Utc), RoutingMode.Enabled, Fallback: false, ReplayId: null, Sample: 0,
                WorkflowSteps: ["workflow-analysis"]),
            new StreamTarget(new Uri("rabbitmq://localhost/instance-api-1"), StreamTokens: false));

        var json = JsonSerializer.Serialize(command, Bus);

        using var wire = JsonDocument.Parse(json);
        Assert.Equal("What does DORA say about ICT risk?", wire.RootElement.GetProperty("question").GetProperty("message").GetString());
        Assert.Equal("Enabled", wire.RootElement.GetProperty("execution").GetProperty("mode").GetString());
        Assert.False(wire.RootElement.GetProperty("caller").GetProperty("streamTokens").GetBoolean());
        var read = JsonSerializer.Deserialize<ExecuteChat>(json, Bus)!;
        Assert.Equal(command with { Execution = command.Execution with { WorkflowSteps = null } }, read with { Execution = read.Execution with { WorkflowSteps = null } });
        Assert.Equal(["workflow-analysis"], read.Execution.WorkflowSteps!);
    }

    [Fact]
    public void A_command_sent_in_the_flat_shape_still_reads()
    {
        const string sentBefore = """
            {"requestId":"0b9a2b4e-54c1-4d0f-9a1e-3f7c2d1e8a90","conversationId":"1c0a2b4e-54c1-4d0f-9a1e-3f7c2d1e8a91","pipeline":"Legacy",
             "shadow":false,"attempt":1,"message":"Che cosa dice il GDPR?","webSearchEnabled":false,"userId":"alice","userGroup":null,
             "bucketingKey":"alice","streamAddress":"rabbitmq://localhost/instance-api-1","deadline":"2026-12-01T09:00:30Z",
             "replayId":null,"sample":0,"mode":"Enabled","fallback":true,"streamTokens":false}
            """;

        var command = JsonSerializer.Deserialize<ExecuteChat>(sentBefore, Bus)!;

        Assert.Equal((ChatPipeline.Legacy, 1), (command.Pipeline, command.Attempt));
        Assert.Equal(new ChatQuestion("Che cosa dice il GDPR?", false, "alice", null, "alice"), command.Question);
        Assert.Equal(new ExecutionSettings(false, new DateTime(2026, 12, 1, 9, 0, 30, DateTimeKind.Utc), RoutingMode.Enabled, Fallback: true), command.Execution);
        Assert.Equal(new StreamTarget(new Uri("rabbitmq://localhost/instance-api-1"), StreamTokens: false), command.Caller);
    }

    [Fact]
    public void A_flat_shadow_command_has_no_caller_and_keeps_its_sample()
    {
        const string sentBefore = """
            {"requestId":"0b9a2b4e-54c1-4d0f-9a1e-3f7c2d1e8a90","conversationId":"1c0a2b4e-54c1-4d0f-9a1e-3f7c2d1e8a91","pipeline":"Legacy",
             "shadow":true,"attempt":0,"message":"q","webSearchEnabled":false,"bucketingKey":"k","streamAddress":null,
             "deadline":"2026-12-01T09:00:30Z","sample":1,"mode":"Shadow"}
            """;

        var command = JsonSerializer.Deserialize<ExecuteChat>(sentBefore, Bus)!;

        Assert.Null(command.Caller);
        Assert.Equal((true, 1, RoutingMode.Shadow), (command.Execution.Shadow, command.Execution.Sample, command.Execution.Mode));
    }
}
