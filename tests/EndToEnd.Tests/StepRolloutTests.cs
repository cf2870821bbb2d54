using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// What a step flag's improvement rollout needs: the workflow serving every request (the routing flag on), and a
/// finished experiment of the step alone against legacy, here on a system whose legacy answers cite nothing (their
/// citations dropped on purpose), so the step scores better in it.
/// </summary>
internal static class StepRollouts
{
    public const string Step = MigrationFlags.WorkflowGeneration;

    public static async Task<string> PrepareAsync(RolloutSystem system)
    {
        await system.ReplaceLegacyWorkerAsync(new Dictionary<string, string?> { ["Execution:InjectedCitationLoss"] = "1" });
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Enabled);
        var experiment = await system.RunExperimentAsync(
            new { name = "before the step's rollout", flag = Step, variants = new[] { "legacy", Step }, dataset = ExperimentRuns.TinyDataset },
            TimeSpan.FromMinutes(1));
        return experiment.GetProperty("experiment").Text("id");
    }

    /// <summary>Light closed-loop traffic past the semantic cache, so every answer is written with its request's step flags.</summary>
    public static async Task<(JsonElement Rollout, List<JsonElement> Decisions)> RunAsync(RolloutSystem system, JsonElement started)
    {
        JsonElement rollout;
        await using (new RolloutLoad(system.CreateClient, concurrency: 4, fresh: true))
            rollout = await system.AwaitRolloutEndAsync(TimeSpan.FromMinutes(3), Step);
        return (rollout, await system.RolloutEventsAsync(started));
    }
}

/// <summary>
/// A step flag rolled out on its own, both sides the workflow: in shadow the step's experiment decides, at 50 % the eval
/// scores of the workflow's answers with the step on against those with it off. The workflow's answers written without
/// the step lose their citations on purpose, so the step is the better side and is promoted to everyone.
/// </summary>
public sealed class StepImprovementRolloutTests(ImprovementRolloutSystem system, ITestOutputHelper output) : IClassFixture<ImprovementRolloutSystem>
{
    private const int MinSamples = 10;

    [Fact]
    public async Task A_step_that_makes_the_workflows_answers_better_is_promoted_shadow_50_100_on_its_own_evidence()
    {
        await system.ReplaceWorkflowWorkerAsync(new Dictionary<string, string?>
        {
            ["Execution:InjectedCitationLoss"] = "1", ["Execution:CitationLossWithoutStep"] = StepRollouts.Step,
        });
        var experimentId = await StepRollouts.PrepareAsync(system);
        var started = await system.StartRolloutAsync(
            new { stages = new object[] { "shadow", 50, 100 }, minSamples = MinSamples, minDwell = "PT1S", kind = "improvement" }, StepRollouts.Step);
        Assert.Equal(StepRollouts.Step, started.Text("flag"));

        var (rollout, decisions) = await StepRollouts.RunAsync(system, started);

        output.WriteLine(ImprovementRollouts.Trail(decisions));
        Assert.True("completed" == rollout.Text("status"), ImprovementRollouts.Trail(decisions));
        var flag = await FlagAsync(StepRollouts.Step);
        Assert.Equal(FlagStatus.Enabled, flag.Text("status"));
        Assert.Equal(100, flag.GetProperty("rolloutPercentage").GetDouble());

        var advances = decisions.Where(e => e.Text("reason").Contains("advanced", StringComparison.Ordinal)).Select(e => e.GetProperty("after")).ToList();
        Assert.Equal(["shadow", "50"], advances.Select(a => a.Text("stage")));
        var experiment = advances[0].GetProperty("experiment");
        Assert.Equal(experimentId, experiment.Text("id"));
        Assert.Equal(StepRollouts.Step, experiment.Text("treatment"));
        // The step's own pairs were what the shadow stage counted.
        Assert.True(advances[0].GetProperty("samples").GetInt32() >= MinSamples);
        var scores = advances[1].GetProperty("evalScores");
        Assert.True(scores.GetProperty("treatmentCount").GetInt32() >= MinSamples && scores.GetProperty("controlCount").GetInt32() >= MinSamples, scores.ToString());
        Assert.True(scores.GetProperty("betterPValue").GetDouble() < 0.05, scores.ToString());
        // Both sides were the workflow: none of it fell back to legacy.
        Assert.Equal(0, advances[1].GetProperty("errorRate").GetProperty("control").GetDouble());
        Assert.DoesNotContain(decisions, e => e.Text("reason").Contains("rolled back", StringComparison.Ordinal));
        // The routing flag was never touched by the step's rollout.
        Assert.Equal(FlagStatus.Enabled, (await system.RoutingFlagAsync()).Text("status"));
    }

    private async Task<JsonElement> FlagAsync(string name)
    {
        using var admin = system.CreateAdminClient();
        return await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{name}");
    }
}

/// <summary>
/// The same step made worse on purpose once its experiment passed: the workflow's answers written with the step lose
/// their citations, so at 50 % the step's side scores worse and the controller rolls the step back to 0 % by itself,
/// leaving the routing flag (the workflow still serving) as it was.
/// </summary>
public sealed class StepRollbackTests(ImprovementRolloutSystem system, ITestOutputHelper output) : IClassFixture<ImprovementRolloutSystem>
{
    [Fact]
    public async Task A_step_made_worse_on_purpose_is_rolled_back_on_the_eval_scores_of_the_workflows_answers()
    {
        await StepRollouts.PrepareAsync(system);
        await system.ReplaceWorkflowWorkerAsync(new Dictionary<string, string?>
        {
            ["Execution:InjectedCitationLoss"] = "1", ["Execution:CitationLossWithStep"] = StepRollouts.Step,
        });
        var started = await system.StartRolloutAsync(
            new { stages = new object[] { "shadow", 50, 100 }, minSamples = 10, minDwell = "PT1S", kind = "improvement" }, StepRollouts.Step);

        var (rollout, decisions) = await StepRollouts.RunAsync(system, started);

        output.WriteLine(ImprovementRollouts.Trail(decisions));
        Assert.True("rolled-back" == rollout.Text("status"), ImprovementRollouts.Trail(decisions));
        var last = decisions[^1];
        Assert.StartsWith("rolled back to 0 %: eval score of the new pipeline is significantly below", last.Text("reason"));
        Assert.Equal("50", last.GetProperty("after").Text("stage"));
        Assert.True(last.GetProperty("after").GetProperty("evalScores").GetProperty("worsePValue").GetDouble() < 0.05);
        using var admin = system.CreateAdminClient();
        var step = await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{StepRollouts.Step}");
        Assert.Equal(FlagStatus.Disabled, step.Text("status"));
        Assert.Equal(FlagStatus.Enabled, (await system.RoutingFlagAsync()).Text("status"));
    }
}
