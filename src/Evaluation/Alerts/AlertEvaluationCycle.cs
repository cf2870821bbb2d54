using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Platform.Hosting;
using Pipeline.Evaluation.Metrics;
using Pipeline.Persistence;
using Pipeline.Persistence.Alerts;

namespace Pipeline.Evaluation.Alerts;

/// <summary>
/// One evaluation of every alert rule: measures, judges, and records firings and resolutions with their
/// <see cref="AlertFired"/>/<see cref="AlertResolved"/> messages in one transaction (the bus outbox), under an advisory
/// lock so that several coordination hosts evaluate one at a time.
/// </summary>
internal sealed partial class AlertEvaluationCycle(
    PipelineDbContext db,
    TrafficSummaryQuery traffic,
    ComparisonSummaryQuery comparisons,
    AlertRuleEvaluator rules,
    IPublishEndpoint publish,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEvaluationCycle> logger) : IPeriodicJob
{
    /// <summary>Arbitrary but fixed: identifies the alert evaluator among the database's advisory locks.</summary>
    private const long AdvisoryLockKey = 0x616c_6572_7473;

    Task IPeriodicJob.RunAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);

    /// <returns>False when another evaluator held the lock and this cycle did nothing.</returns>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({AdvisoryLockKey}) AS \"Value\"").SingleAsync(cancellationToken);
        if (!locked)
            return false;

        var now = time.GetUtcNow().UtcDateTime;
        var conditions = rules.Evaluate(await MeasureAsync(now, cancellationToken));
        var active = await db.Set<ActiveAlert>().Where(a => a.ResolvedAt == null).ToDictionaryAsync(a => a.Rule, cancellationToken);
        foreach (var condition in conditions.Where(c => c.Evaluable))
        {
            active.TryGetValue(condition.Rule, out var alert);
            if (condition.Firing && alert is null)
                await FireAsync(condition, now, cancellationToken);
            else if (condition.Firing)
                (alert!.Value, alert.Threshold, alert.EvaluatedAt) = (condition.Value, condition.Threshold, now);
            else if (alert is not null)
                await ResolveAsync(alert, condition, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task FireAsync(AlertCondition condition, DateTime now, CancellationToken cancellationToken)
    {
        db.Add(new ActiveAlert
        {
            Id = NewId.NextGuid(),
            Rule = condition.Rule,
            Severity = condition.Severity,
            Value = condition.Value,
            Threshold = condition.Threshold,
            Since = now,
            EvaluatedAt = now,
        });
        await publish.Publish(new AlertFired(condition.Rule, condition.Severity, condition.Value, condition.Threshold, now), cancellationToken);
        LogFired(condition.Rule, condition.Severity, condition.Value, condition.Threshold);
    }

    private async Task ResolveAsync(ActiveAlert alert, AlertCondition condition, DateTime now, CancellationToken cancellationToken)
    {
        (alert.Value, alert.EvaluatedAt, alert.ResolvedAt) = (condition.Value, now, now);
        await publish.Publish(new AlertResolved(alert.Rule, alert.Severity, condition.Value, alert.Threshold, alert.Since, now), cancellationToken);
        LogResolved(alert.Rule, alert.Severity, condition.Value, alert.Threshold);
    }

    private async Task<AlertMeasurements> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var errors = await traffic.SummarizeAsync(now - o.ErrorRateWindow, now, cancellationToken);
        var latency = await traffic.SummarizeAsync(now - o.LatencyWindow, now, cancellationToken);
        var baseline = await traffic.SummarizeAsync(now - o.BaselineWindow, now, cancellationToken);
        var cache = await traffic.SummarizeAsync(now - o.CacheHitRateWindow, now, cancellationToken);
        var pairs = await comparisons.SummarizeAsync(null, now - o.MatchRateWindow, cancellationToken);
        var legacy = baseline.Pipelines.GetValueOrDefault(LegacyPipeline);
        return new AlertMeasurements(
            errors.Served + errors.Failed, errors.ErrorRate,
            latency.Served, latency.Latency.P95,
            legacy?.Served ?? 0, legacy?.Latency.P95,
            cache.Served, cache.CacheHitRate,
            pairs.Count, pairs.Count == 0 ? null : pairs.MatchRate);
    }

    private static readonly string LegacyPipeline = ChatPipeline.Legacy.ToString().ToLowerInvariant();

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Alert {Rule} ({Severity}) fired: {Value} against threshold {Threshold}")]
    private partial void LogFired(string rule, string severity, double value, double threshold);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Alert {Rule} ({Severity}) resolved: {Value} against threshold {Threshold}")]
    private partial void LogResolved(string rule, string severity, double value, double threshold);
}
