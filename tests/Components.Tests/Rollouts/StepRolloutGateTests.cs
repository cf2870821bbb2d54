using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Contracts;
using Pipeline.Evaluation.Evals;
using Pipeline.Flags;
using Pipeline.Rollouts;
using Pipeline.Coordinator.Routing;
using Pipeline.Persistence;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Evals;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Rollouts;
using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Rollouts;

/// <summary>
/// A step flag's rollout judged by the controller on rows recorded as the routing saga, the evaluator and the comparator
/// record them: at a percentage the requests the workflow served with the step on against those with it off (legacy's
/// requests, whatever they score, play no part); in shadow the step's own pairs against the step's own match-rate gate;
/// and no decision at all while the routing flag sends the workflow nothing.
/// </summary>
public sealed class StepRolloutGateTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>, IAsyncLifetime
{
    private const int MinSamples = 40;
    private static readonly RolloutPlan HalfThenEveryone = new([new RolloutStage(50), new RolloutStage(100)], MinSamples, TimeSpan.Zero, RolloutKind.Improvement);

    // Eval rows shaped as the evaluator records them: answers citing loosely, and answers citing every source.
    private static readonly (double Citation, double Grounded, double Relevance)[] Loose =
        [(0.5, 0.6667, 0.7213), (0.3333, 0.75, 0.6402), (0.6667, 0.5, 0.8125), (0.5, 0.8, 0.5931), (0.25, 0.6, 0.7718)];

    private static readonly (double Citation, double Grounded, double Relevance)[] Cited =
        [(1.0, 0.8333, 0.8921), (0.8, 0.875, 0.7744), (1.0, 0.7143, 0.9302), (0.75, 0.9, 0.8116), (1.0, 0.8, 0.8530)];

    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await RolloutTestHost.StartAsync(infrastructure.Configuration());
        await using var db = infrastructure.CreateDbContext();
        var existing = await db.Set<FeatureFlag>().Select(f => f.Name).ToListAsync();
        var now = DateTime.UtcNow;
        foreach (var (name, parent, _, _, description) in MigrationFlags.Hierarchy.Where(f => !existing.Contains(f.Name)))
        {
            db.Add(new FeatureFlag
            {
                Id = Guid.NewGuid(), Name = name, Parent = parent, Status = FlagStatus.Enabled, Description = description,
                CreatedAt = now, UpdatedAt = now, UpdatedBy = "test", Version = 1,
            });
        }

        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task A_step_that_scores_better_among_the_workflows_requests_advances_and_completes_on_its_eval_scores()
    {
        await SetRoutingAsync(FlagStatus.Enabled);
        var rollout = await StartAsync(MigrationFlags.WorkflowGeneration, HalfThenEveryone);
        await RecordWorkflowRequestsAsync(MigrationFlags.WorkflowGeneration, on: Cited, off: Loose);
        // Legacy's requests score worse still: counted as the step's "off" side, they would make the step look better.
        await RecordLegacyRequestsAsync(Cited, MinSamples);

        await EvaluateAsync();

        var (status, decisions) = await OutcomeAsync(rollout);
        Assert.True(RolloutStatus.Completed == status, string.Join(Environment.NewLine, decisions.Select(d => d.Reason)));
        var advance = decisions.Single(d => d.Reason.Contains("advanced:", StringComparison.Ordinal));
        Assert.Contains("better beyond noise", advance.Reason);
        Assert.Equal("requests the workflow served with workflow-generation on against those with it off", advance.After.GetProperty("sides").GetString());
        var scores = advance.After.GetProperty("evalScores");
        Assert.Equal(MinSamples, scores.GetProperty("treatmentCount").GetInt32());
        Assert.Equal(MinSamples, scores.GetProperty("controlCount").GetInt32());
        Assert.True(scores.GetProperty("betterPValue").GetDouble() < 0.05);
        Assert.Equal(FlagStatus.Enabled, (await FlagAsync(MigrationFlags.WorkflowGeneration)).Status);
    }

    [Fact]
    public async Task A_step_that_scores_worse_among_the_workflows_requests_is_rolled_back_on_its_eval_scores()
    {
        await SetRoutingAsync(FlagStatus.Enabled);
        var rollout = await StartAsync(MigrationFlags.WorkflowAnalysis, HalfThenEveryone);
        await RecordWorkflowRequestsAsync(MigrationFlags.WorkflowAnalysis, on: Loose, off: Cited);
        // Legacy's requests score worse than either: counted as the "off" side, they would hide the step's harm.
        await RecordLegacyRequestsAsync([(0, 0, 0.1)], MinSamples);

        await EvaluateAsync();

        var (status, decisions) = await OutcomeAsync(rollout);
        Assert.True(RolloutStatus.RolledBack == status, string.Join(Environment.NewLine, decisions.Select(d => d.Reason)));
        var last = decisions[^1];
        Assert.StartsWith("rolled back to 0 %: eval score of the new pipeline is significantly below", last.Reason);
        Assert.True(last.After.GetProperty("evalScores").GetProperty("worsePValue").GetDouble() < 0.05);
        var flag = await FlagAsync(MigrationFlags.WorkflowAnalysis);
        Assert.Equal(FlagStatus.Disabled, flag.Status);
    }

    [Fact]
    public async Task A_retrieval_step_matching_on_ninety_seven_percent_of_its_pairs_passes_its_own_gate_where_a_whole_request_would_not()
    {
        await SetRoutingAsync(FlagStatus.Shadow);
        var plan = new RolloutPlan([RolloutStage.Shadow, new RolloutStage(10)], 400, TimeSpan.Zero);
        var rollout = await StartAsync(MigrationFlags.WorkflowRetrieval, plan);
        await RecordStepPairsAsync(MigrationFlags.WorkflowRetrieval, total: 400, matches: 388);

        await EvaluateAsync();

        var (status, decisions) = await OutcomeAsync(rollout);
        Assert.Equal(RolloutStatus.Running, status);
        var advance = decisions.Single(d => d.Reason.Contains("advanced:", StringComparison.Ordinal));
        Assert.Equal(0.95, advance.After.GetProperty("matchRateGate").GetProperty("gate").GetDouble());
        Assert.Equal(0.97, advance.After.GetProperty("matchRate").GetDouble(), 3);
        Assert.Equal(10, (await FlagAsync(MigrationFlags.WorkflowRetrieval)).RolloutPercentage);

        // The same pairs judged as whole requests (the routing flag's 99 % gate) would not establish it.
        var judge = _host.Services.GetRequiredService<RolloutJudge>();
        var asRequests = judge.Judge(RolloutKind.Equivalence, RolloutStage.Shadow, new StageEvidence(400, 388, 400, 0, 400, 0, [50, 60], [50, 60]),
            400, true, false, false, MigrationFlags.WorkflowComplete);
        Assert.Equal(RolloutAction.Hold, asRequests.Action);
    }

    [Fact]
    public async Task A_step_whose_pairs_match_significantly_below_its_trigger_is_rolled_back_in_shadow()
    {
        await SetRoutingAsync(FlagStatus.Shadow);
        var rollout = await StartAsync(MigrationFlags.WorkflowCache, new RolloutPlan([RolloutStage.Shadow, new RolloutStage(10)], 100, TimeSpan.Zero));
        await RecordStepPairsAsync(MigrationFlags.WorkflowCache, total: 100, matches: 80);

        await EvaluateAsync();

        var (status, decisions) = await OutcomeAsync(rollout);
        Assert.Equal(RolloutStatus.RolledBack, status);
        Assert.Contains("match rate 80.0 % is significantly below 95 %", decisions[^1].Reason);
    }

    [Fact]
    public async Task A_step_holds_and_says_why_while_the_routing_flag_gives_the_workflow_nothing_to_serve()
    {
        await SetRoutingAsync(FlagStatus.Shadow);
        var rollout = await StartAsync(MigrationFlags.WorkflowEnhancement, HalfThenEveryone);
        // Pairs and requests that would decide it, were the workflow serving.
        await RecordWorkflowRequestsAsync(MigrationFlags.WorkflowEnhancement, on: Loose, off: Cited);

        await EvaluateAsync();

        var (status, decisions) = await OutcomeAsync(rollout);
        Assert.Equal(RolloutStatus.Running, status);
        Assert.StartsWith("blocked: the routing flag 'workflow-complete' is in shadow, so the workflow serves no requests", decisions[^1].Reason);
        Assert.Equal(FlagStatus.Enabled, (await FlagAsync(MigrationFlags.WorkflowEnhancement)).Status);

        await SetRoutingAsync(FlagStatus.Disabled);
        await EvaluateAsync();
        (_, decisions) = await OutcomeAsync(rollout);
        // One audit entry per kind of hold: the reason shown is the rollout's latest decision.
        await using var db = infrastructure.CreateDbContext();
        var latest = await db.Set<StagedRollout>().AsNoTracking().SingleAsync(r => r.Id == rollout);
        Assert.Equal("blocked: the routing flag 'workflow-complete' is disabled, so the workflow runs no requests to judge 'workflow-enhancement' on", latest.LastDecision);
        await db.Set<StagedRollout>().Where(r => r.Id == rollout).ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, RolloutStatus.Superseded));
    }

    [Fact]
    public async Task With_the_routing_flag_in_shadow_a_step_whose_shadow_runs_fail_is_rolled_back_on_the_workflows_shadow_runs()
    {
        await SetRoutingAsync(FlagStatus.Shadow);
        var step = MigrationFlags.WorkflowGeneration;
        var rollout = await StartAsync(step, new RolloutPlan([new RolloutStage(50), new RolloutStage(100)], MinSamples, TimeSpan.Zero));
        // The workflow's shadow runs as the routing flag's comparisons record them: with the step on, every other one fails.
        await using (var db = infrastructure.CreateDbContext())
        {
            var now = DateTime.UtcNow;
            for (var i = 0; i < MinSamples * 2; i++)
            {
                var id = Guid.NewGuid();
                var on = i % 2 == 0;
                var failed = on && i % 4 == 0;
                db.Add(new ChatRoutingState
                {
                    CorrelationId = id, CurrentState = nameof(ChatRoutingStateMachine.Completed), Message = "What is DORA?", BucketingKey = id.ToString("N"),
                    Mode = RoutingMode.Shadow, ServedPipeline = ChatPipeline.Legacy, ShadowPipeline = ChatPipeline.Workflow,
                    WorkflowSteps = on ? [step] : [], RequestedAt = now, ServedAt = now, FinishedAt = now, LatencyMs = 300,
                });
                db.Add(new Comparison
                {
                    Id = Guid.NewGuid(), RequestId = id, FlagName = MigrationFlags.WorkflowComplete, Kind = "chat", Match = false,
                    NewOutcome = failed ? "failed" : "completed", OldDurationMs = 300, NewDurationMs = failed ? null : 300 + i % 7, CreatedAt = now,
                });
            }

            await db.SaveChangesAsync();
        }

        await EvaluateAsync();

        var (status, decisions) = await OutcomeAsync(rollout);
        Assert.True(RolloutStatus.RolledBack == status, string.Join(Environment.NewLine, decisions.Select(d => d.Reason)));
        Assert.StartsWith("rolled back to 0 %: error rate 50.0 % is significantly above 5 %", decisions[^1].Reason);
        var errors = decisions[^1].After.GetProperty("errorRate");
        Assert.Equal(MinSamples, errors.GetProperty("treatmentRequests").GetInt32());
        Assert.Equal(0, errors.GetProperty("control").GetDouble());
    }

    private async Task<Guid> StartAsync(string flag, RolloutPlan plan)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var (outcome, rollout) = await scope.ServiceProvider.GetRequiredService<RolloutConductor>().StartAsync(flag, plan, "test", CancellationToken.None);
        Assert.Equal(RolloutStartOutcome.Started, outcome);
        return rollout!.Id;
    }

    private async Task EvaluateAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<RolloutConductor>().EvaluateAsync(CancellationToken.None));
    }

    private async Task SetRoutingAsync(string status)
    {
        await using var db = infrastructure.CreateDbContext();
        await db.Set<FeatureFlag>().Where(f => f.Name == MigrationFlags.WorkflowComplete)
            .ExecuteUpdateAsync(f => f.SetProperty(x => x.Status, status).SetProperty(x => x.Version, x => x.Version + 1));
    }

    private async Task<FeatureFlag> FlagAsync(string name)
    {
        await using var db = infrastructure.CreateDbContext();
        return await db.Set<FeatureFlag>().AsNoTracking().SingleAsync(f => f.Name == name);
    }

    private async Task<(string Status, List<(string Reason, JsonElement After)> Decisions)> OutcomeAsync(Guid rollout)
    {
        await using var db = infrastructure.CreateDbContext();
        var status = await db.Set<StagedRollout>().Where(r => r.Id == rollout).Select(r => r.Status).SingleAsync();
        var events = await db.Set<FeatureFlagEvent>().AsNoTracking().Where(e => e.Type == FlagEventTypes.Rollout).OrderBy(e => e.At).ToListAsync();
        var decisions = events.Select(e => (e.Reason ?? "", JsonDocument.Parse(e.After ?? "{}").RootElement))
            .Where(d => d.Item2.TryGetProperty("rolloutId", out var id) && id.GetGuid() == rollout).ToList();
        return (status, decisions);
    }

    /// <summary>
    /// <see cref="MinSamples"/> requests the workflow served with the step on and as many with it off, each with its
    /// sampled eval, the latencies of one distribution; plus a replayed request, which no gate counts.
    /// </summary>
    private async Task RecordWorkflowRequestsAsync(string step, (double, double, double)[] on, (double, double, double)[] off)
    {
        await using var db = infrastructure.CreateDbContext();
        var random = new Random(7);
        for (var i = 0; i < MinSamples * 2; i++)
        {
            var stepOn = i % 2 == 0;
            var steps = stepOn ? new List<string> { step, MigrationFlags.WorkflowRetrieval } : [MigrationFlags.WorkflowRetrieval];
            var scores = (stepOn ? on : off)[i / 2 % on.Length];
            AddRequest(db, RoutingMode.Enabled, ChatPipeline.Workflow, steps, 400 + random.Next(100), scores, replay: null);
        }

        AddRequest(db, RoutingMode.Enabled, ChatPipeline.Workflow, [step], 400, (0, 0, 0), replay: Guid.NewGuid());
        await db.SaveChangesAsync();
    }

    private async Task RecordLegacyRequestsAsync((double, double, double)[] scores, int count)
    {
        await using var db = infrastructure.CreateDbContext();
        for (var i = 0; i < count; i++)
            AddRequest(db, RoutingMode.Disabled, ChatPipeline.Legacy, null, 450, scores[i % scores.Length], replay: null);
        await db.SaveChangesAsync();
    }

    private static void AddRequest(DbContext db, RoutingMode mode, ChatPipeline served, List<string>? steps, long latency,
        (double Citation, double Grounded, double Relevance) scores, Guid? replay)
    {
        var now = DateTime.UtcNow;
        var id = Guid.NewGuid();
        db.Add(new ChatRoutingState
        {
            CorrelationId = id, CurrentState = nameof(ChatRoutingStateMachine.Completed), Message = "What is DORA?", BucketingKey = id.ToString("N"),
            Mode = mode, ServedPipeline = served, WorkflowSteps = steps, ReplayId = replay, RequestedAt = now, ServedAt = now, FinishedAt = now, LatencyMs = latency,
        });
        db.Add(new EvalResult
        {
            Id = Guid.NewGuid(), RequestId = id, Question = "What is DORA?", Pipeline = AnswerEvaluator.PipelineName(served), Reason = EvalReasons.Sampled,
            CitationQuality = scores.Citation, Groundedness = scores.Grounded, AnswerRelevance = scores.Relevance, EvaluatorVersion = "test", ReplayId = replay, CreatedAt = now,
        });
    }

    private async Task RecordStepPairsAsync(string step, int total, int matches)
    {
        await using var db = infrastructure.CreateDbContext();
        var now = DateTime.UtcNow;
        var random = new Random(11);
        for (var i = 0; i < total; i++)
        {
            db.Add(new Comparison
            {
                Id = Guid.NewGuid(), RequestId = Guid.NewGuid(), FlagName = step, Kind = "retrieval", Match = i < matches,
                NewOutcome = "completed", OldDurationMs = 20 + random.Next(10), NewDurationMs = 20 + random.Next(10), CreatedAt = now,
            });
        }

        await db.SaveChangesAsync();
    }
}
