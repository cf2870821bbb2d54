using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Flags;
using Pipeline.Platform.Hosting;
using Pipeline.Persistence;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Rollouts;

namespace Pipeline.Rollouts;

/// <summary>
/// Starts staged rollouts and carries them out: each evaluation judges the running stage and advances, holds, halves
/// or rolls back the flag. Every flag change goes through <see cref="FlagAdministration"/> (audited, announced by
/// <c>FlagChanged</c>) and every decision is an audit event with its evidence, in one transaction per rollout.
/// </summary>
public sealed partial class RolloutConductor(
    PipelineDbContext db,
    FlagAdministration flags,
    StageEvidenceQuery evidence,
    RolloutJudge judge,
    RolloutEvalSampling sampling,
    IOptions<RolloutOptions> options,
    TimeProvider time,
    ILogger<RolloutConductor> logger) : IPeriodicJob
{
    public const string Actor = "rollout-controller";

    /// <summary>Arbitrary but fixed: identifies the rollout controller among the database's advisory locks.</summary>
    private const long AdvisoryLockKey = 0x726f_6c6c_6f75;
    private const double Halve = 2;

    public async Task<(RolloutStartOutcome Outcome, StagedRollout? Rollout)> StartAsync(string flagName, RolloutPlan plan, string actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var flag = await db.Set<FeatureFlag>().AsNoTracking().SingleOrDefaultAsync(f => f.Name == flagName, cancellationToken);
        if (flag is null)
            return (RolloutStartOutcome.FlagNotFound, null);
        var running = await db.Set<StagedRollout>().SingleOrDefaultAsync(r => r.FlagName == flagName && r.Status == RolloutStatus.Running, cancellationToken);
        if (running is not null)
            return (RolloutStartOutcome.AlreadyRunning, running);

        var now = Now;
        var rollout = new StagedRollout
        {
            Id = NewId.NextGuid(),
            FlagName = flagName,
            Stages = plan.Stages.Select(s => s.ToString()).ToList(),
            Kind = plan.Kind,
            MinSamples = plan.MinSamples,
            MinDwell = plan.MinDwell,
            StartedBy = actor,
            StartedAt = now,
        };
        db.Add(rollout);
        await EnterStageAsync(rollout, 0, plan.Stages[0], $"rollout started by {actor}", new Dictionary<string, object?> { ["plan"] = rollout.Stages, ["kind"] = rollout.Kind }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (RolloutStartOutcome.Started, rollout);
    }

    Task IPeriodicJob.RunAsync(CancellationToken cancellationToken) => EvaluateAsync(cancellationToken);

    /// <summary>One evaluation of every running rollout; false when another controller held the lock.</summary>
    public async Task<bool> EvaluateAsync(CancellationToken cancellationToken)
    {
        var running = await db.Set<StagedRollout>().AsNoTracking().Where(r => r.Status == RolloutStatus.Running)
            .Select(r => new { r.Id, r.FlagName, r.Kind, r.CurrentPercentage }).ToListAsync(cancellationToken);
        // Every coordination host samples for the rollout, whichever of them judges it. A step flag's two sides are
        // both the workflow: every workflow answer is scored, and no extra legacy ones.
        var improving = running.Where(r => r.Kind == RolloutKind.Improvement && r.CurrentPercentage > 0).ToList();
        var routingPercentage = improving.Where(r => !MigrationFlags.WorkflowSteps.Contains(r.FlagName)).Max(r => r.CurrentPercentage);
        sampling.Update(routingPercentage ?? (improving.Count > 0 ? RolloutStage.Everyone : null), options.Value.ControlEvalRatio);
        foreach (var id in running.Select(r => r.Id))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({AdvisoryLockKey}) AS \"Value\"").SingleAsync(cancellationToken);
            if (!locked)
                return false;
            var rollout = await db.Set<StagedRollout>().SingleAsync(r => r.Id == id, cancellationToken);
            if (rollout.Status == RolloutStatus.Running)
                await EvaluateOneAsync(rollout, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        return true;
    }

    private async Task EvaluateOneAsync(StagedRollout rollout, CancellationToken cancellationToken)
    {
        var now = Now;
        var flag = await db.Set<FeatureFlag>().AsNoTracking().SingleOrDefaultAsync(f => f.Name == rollout.FlagName, cancellationToken);
        if (flag is null || flag.Version != rollout.FlagVersion)
        {
            await FinishAsync(rollout, RolloutStatus.Superseded, "the flag was changed outside the rollout; the rollout stops",
                new Dictionary<string, object?> { ["expectedVersion"] = rollout.FlagVersion, ["flagVersion"] = flag?.Version }, cancellationToken);
            return;
        }

        RolloutStage.TryParse(rollout.Stages[rollout.StageIndex], out var stage);
        var observed = await evidence.LoadAsync(rollout.FlagName, rollout.Kind, stage, rollout.StageStartedAt, cancellationToken);
        var verdict = judge.Judge(rollout.Kind, stage, observed, rollout.MinSamples, now - rollout.StageStartedAt >= rollout.MinDwell, rollout.Halved,
            Completes(rollout), rollout.FlagName);
        var evidenceFacts = new Dictionary<string, object?>(verdict.Evidence)
        {
            ["action"] = verdict.Action.ToString().ToLowerInvariant(), ["sides"] = RolloutTargets.Sides(rollout.FlagName, stage),
        };
        rollout.LastEvaluatedAt = now;
        switch (verdict.Action)
        {
            case RolloutAction.Advance when rollout.StageIndex + 1 < rollout.Stages.Count:
                RolloutStage.TryParse(rollout.Stages[rollout.StageIndex + 1], out var next);
                await EnterStageAsync(rollout, rollout.StageIndex + 1, next, $"advanced: {verdict.Reason}", evidenceFacts, cancellationToken);
                break;
            case RolloutAction.Advance:
                await FinishAsync(rollout, RolloutStatus.Completed, $"completed: {verdict.Reason}", evidenceFacts, cancellationToken);
                break;
            case RolloutAction.Halve:
                var halved = (rollout.CurrentPercentage ?? RolloutStage.Everyone) / Halve;
                await ChangeFlagAsync(rollout, FlagStatus.Enabled, halved, $"halved to {halved} %: {verdict.Reason}", cancellationToken);
                (rollout.CurrentPercentage, rollout.Halved, rollout.StageStartedAt) = (halved, true, now);
                await DecideAsync(rollout, $"halved to {halved} %: {verdict.Reason}", evidenceFacts, cancellationToken);
                break;
            case RolloutAction.RollBack:
                await ChangeFlagAsync(rollout, FlagStatus.Disabled, 0, $"rolled back to 0 %: {verdict.Reason}", cancellationToken);
                rollout.CurrentPercentage = 0;
                await FinishAsync(rollout, RolloutStatus.RolledBack, $"rolled back to 0 %: {verdict.Reason}", evidenceFacts, cancellationToken);
                break;
            default:
                // Holds repeat every evaluation; the audit trail gets one entry each time the kind of hold changes.
                if (Category(rollout.LastDecision) != Category(verdict.Reason))
                    await DecideAsync(rollout, verdict.Reason, evidenceFacts, cancellationToken);
                rollout.LastDecision = verdict.Reason;
                break;
        }
    }

    private async Task EnterStageAsync(StagedRollout rollout, int index, RolloutStage stage, string reason, Dictionary<string, object?> facts, CancellationToken cancellationToken)
    {
        var status = stage.IsShadow ? FlagStatus.Shadow : FlagStatus.Enabled;
        await ChangeFlagAsync(rollout, status, stage.Percentage, $"stage {stage}: {reason}", cancellationToken);
        (rollout.StageIndex, rollout.StageStartedAt, rollout.CurrentPercentage, rollout.Halved) = (index, Now, stage.Percentage, false);
        facts["enteredStage"] = stage.ToString();
        await DecideAsync(rollout, $"stage {stage}: {reason}", facts, cancellationToken);
        LogStage(rollout.FlagName, stage.ToString(), reason);
        if (index == rollout.Stages.Count - 1 && !stage.IsShadow && stage.Percentage >= RolloutStage.Everyone)
            await FinishAsync(rollout, RolloutStatus.Completed, "completed: the last stage serves everyone", facts, cancellationToken);
    }

    private async Task ChangeFlagAsync(StagedRollout rollout, string status, double? percentage, string reason, CancellationToken cancellationToken)
    {
        var flag = await db.Set<FeatureFlag>().AsNoTracking().SingleAsync(f => f.Name == rollout.FlagName, cancellationToken);
        var change = new FlagChange { Status = status, RolloutPercentage = percentage };
        var result = await flags.UpdateAsync(rollout.FlagName, flag.Version, change, replace: false, Actor, reason, cancellationToken);
        if (result.Outcome != FlagWriteOutcome.Updated)
            throw new InvalidOperationException($"The rollout could not change flag {rollout.FlagName}: {result.Outcome}.");
        rollout.FlagVersion = result.Flag!.Version;
    }

    private async Task FinishAsync(StagedRollout rollout, string status, string reason, Dictionary<string, object?> facts, CancellationToken cancellationToken)
    {
        (rollout.Status, rollout.FinishedAt) = (status, Now);
        await DecideAsync(rollout, reason, facts, cancellationToken);
        LogFinished(rollout.FlagName, status, reason);
    }

    private async Task DecideAsync(StagedRollout rollout, string reason, Dictionary<string, object?> facts, CancellationToken cancellationToken)
    {
        rollout.LastDecision = reason;
        facts["rolloutId"] = rollout.Id;
        await flags.RecordEventAsync(rollout.FlagName, FlagEventTypes.Rollout, Actor, reason, JsonSerializer.Serialize(facts, PipelineJson.Options), cancellationToken);
    }

    /// <summary>Advancing from the running stage ends the rollout: it is the last, or the last serves everyone.</summary>
    private static bool Completes(StagedRollout rollout)
    {
        if (rollout.StageIndex + 1 >= rollout.Stages.Count)
            return true;
        RolloutStage.TryParse(rollout.Stages[^1], out var last);
        return rollout.StageIndex + 2 == rollout.Stages.Count && last.Percentage >= RolloutStage.Everyone;
    }

    private static string? Category(string? reason) => reason?.Split(':', 2)[0];

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Rollout of {Flag} entered stage {Stage}: {Reason}")]
    private partial void LogStage(string flag, string stage, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Rollout of {Flag} ended {Status}: {Reason}")]
    private partial void LogFinished(string flag, string status, string reason);
}
