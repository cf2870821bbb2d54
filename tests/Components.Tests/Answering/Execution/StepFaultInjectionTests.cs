using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit.Serialization;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering.Execution;
using Pipeline.Flags;
using Pipeline.Platform.Serialization;
using Xunit;

namespace Pipeline.Components.Tests.Answering.Execution;

/// <summary>
/// A step made better or worse on purpose (step-flag rollout tests): the injected citation loss limited to workflow runs
/// with, or without, one step flag on; and the step flags a run reports, on the bus.
/// </summary>
public sealed class StepFaultInjectionTests
{
    private static readonly JsonSerializerOptions Bus = PipelineJson.ConfigureBus(new JsonSerializerOptions(SystemTextJsonMessageSerializer.Options));
    private static readonly ChatAnswer Cited = new("GDPR is the EU's data protection regulation [1].", [new ChatCitation(1, "gdpr-1")],
        [new ChatSource("gdpr-1", "gdpr-overview", "GDPR", 1, 0.9, "document", null)], false, 40, new ChatUsage(10, 20, 0));

    private static ExecuteChat Command() => new(Guid.NewGuid(), Guid.NewGuid(), ChatPipeline.Workflow, 0,
        new ChatQuestion("What is the GDPR?", false, null, null, "k"), new ExecutionSettings(false, DateTime.UtcNow.AddMinutes(1)), null);

    private static FaultInjection Faults(string? withStep = null, string? withoutStep = null) => new(Options.Create(new ExecutionOptions
    {
        InjectedCitationLoss = 1, CitationLossWithStep = withStep, CitationLossWithoutStep = withoutStep,
    }));

    [Fact]
    public void Citation_loss_limited_to_a_step_drops_the_citations_only_of_runs_with_that_step_on()
    {
        var faults = Faults(withStep: MigrationFlags.WorkflowGeneration);

        Assert.Empty(faults.Degrade(Command(), Cited, [MigrationFlags.WorkflowAnalysis, MigrationFlags.WorkflowGeneration]).Citations);
        Assert.Equal(Cited, faults.Degrade(Command(), Cited, [MigrationFlags.WorkflowAnalysis]));
        Assert.Equal(Cited, faults.Degrade(Command(), Cited, stepsOn: null));
    }

    [Fact]
    public void Citation_loss_limited_to_runs_without_a_step_spares_the_runs_with_it_on()
    {
        var faults = Faults(withoutStep: MigrationFlags.WorkflowGeneration);

        Assert.Equal(Cited, faults.Degrade(Command(), Cited, [MigrationFlags.WorkflowGeneration]));
        var degraded = faults.Degrade(Command(), Cited, []);
        Assert.Empty(degraded.Citations);
        Assert.DoesNotContain("[1]", degraded.Text);
    }

    [Fact]
    public void Unlimited_citation_loss_degrades_every_run_as_before()
    {
        Assert.Empty(Faults().Degrade(Command(), Cited).Citations);
    }

    [Fact]
    public void A_completed_run_names_its_step_flags_on_the_bus_and_one_sent_before_they_existed_still_reads()
    {
        var completed = new ChatCompleted(Guid.NewGuid(), Guid.NewGuid(), ChatPipeline.Workflow, false, 0, Cited, 3,
            WorkflowSteps: [MigrationFlags.WorkflowRetrieval]);
        var json = JsonSerializer.Serialize(completed, Bus);
        Assert.Equal([MigrationFlags.WorkflowRetrieval], JsonSerializer.Deserialize<ChatCompleted>(json, Bus)!.WorkflowSteps!);

        var sentBefore = JsonNode.Parse(json)!.AsObject();
        Assert.True(sentBefore.Remove("workflowSteps"));
        Assert.Null(JsonSerializer.Deserialize<ChatCompleted>(sentBefore.ToJsonString(), Bus)!.WorkflowSteps);
        var failed = JsonSerializer.Deserialize<ChatFailed>(
            """{"requestId":"0b9a2b4e-54c1-4d0f-9a1e-3f7c2d1e8a90","pipeline":"Workflow","shadow":false,"attempt":0,"status":500,"title":"failed"}""", Bus)!;
        Assert.Null(failed.WorkflowSteps);
    }
}
