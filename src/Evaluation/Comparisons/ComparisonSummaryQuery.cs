using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Comparisons;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Aggregates comparisons over a window in the database (rates, means, percentiles), new-vs-old and noise floor apart.</summary>
public sealed class ComparisonSummaryQuery(PipelineDbContext db)
{
    private const double StandardErrors = 2.0;

    public async Task<ComparisonSummary> SummarizeAsync(string? flag, DateTime since, CancellationToken cancellationToken)
    {
        var pairs = await AggregateAsync(flag, since, noiseSample: false, cancellationToken);
        var noise = await AggregateAsync(flag, since, noiseSample: true, cancellationToken);
        var verdict = new NoiseVerdict(
            Regressed(pairs.MatchRate, pairs.Answered, noise.MatchRate, noise.Answered),
            Regressed(pairs.CitationsRate, pairs.Answered, noise.CitationsRate, noise.Answered),
            Regressed(pairs.SourcesRate, pairs.Answered, noise.SourcesRate, noise.Answered));
        return new ComparisonSummary(
            pairs.Total,
            pairs.MatchRate,
            new DistributionSummary(pairs.SimilarityMean, pairs.SimilarityP05),
            pairs.CitationsRate,
            pairs.SourcesRate,
            new LatencyComparison(new LatencySummary(pairs.OldP50, pairs.OldP95), new LatencySummary(pairs.NewP50, pairs.NewP95)),
            pairs.Total - pairs.Answered,
            new NoiseFloor(noise.Total, noise.MatchRate, new DistributionSummary(noise.SimilarityMean, noise.SimilarityP05),
                noise.CitationsRate, noise.SourcesRate, verdict));
    }

    /// <summary>One-sided: the new rate is below the noise rate by more than the sampling error of both explains.</summary>
    private static bool Regressed(double rate, int count, double noiseRate, int noiseCount)
    {
        if (count == 0 || noiseCount == 0)
            return false;
        var error = Math.Sqrt(rate * (1 - rate) / count + noiseRate * (1 - noiseRate) / noiseCount);
        return noiseRate - rate > StandardErrors * Math.Max(error, 1e-9);
    }

    private async Task<Aggregate> AggregateAsync(string? flag, DateTime since, bool noiseSample, CancellationToken cancellationToken)
    {
        var names = StoreNames.Of<Comparison>(db);
        // An enum's stored name, not input: safe to inline.
        var answered = $"{names.Column(nameof(Comparison.NewOutcome))} = '{ComparisonNames.Of(ComparedOutcome.Completed)}'";
        var sql = $$"""
            SELECT
              count(*)::int AS total,
              count(*) FILTER (WHERE {{answered}})::int AS answered,
              coalesce(avg(CASE WHEN {{names.Column(nameof(Comparison.Match))}} THEN 1.0 ELSE 0.0 END), 0)::float8 AS match_rate,
              coalesce(avg({{names.Column(nameof(Comparison.TextSimilarity))}}) FILTER (WHERE {{answered}}), 0)::float8 AS similarity_mean,
              coalesce(percentile_cont(0.05) WITHIN GROUP (ORDER BY {{names.Column(nameof(Comparison.TextSimilarity))}}) FILTER (WHERE {{answered}}), 0)::float8 AS similarity_p05,
              coalesce(avg(CASE WHEN {{names.Column(nameof(Comparison.CitationsMatch))}} THEN 1.0 ELSE 0.0 END) FILTER (WHERE {{answered}}), 0)::float8 AS citations_rate,
              coalesce(avg(CASE WHEN {{names.Column(nameof(Comparison.SourcesMatch))}} THEN 1.0 ELSE 0.0 END) FILTER (WHERE {{answered}}), 0)::float8 AS sources_rate,
              coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY {{names.Column(nameof(Comparison.OldDurationMs))}}), 0)::float8 AS old_p50,
              coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY {{names.Column(nameof(Comparison.OldDurationMs))}}), 0)::float8 AS old_p95,
              coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY {{names.Column(nameof(Comparison.NewDurationMs))}}), 0)::float8 AS new_p50,
              coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY {{names.Column(nameof(Comparison.NewDurationMs))}}), 0)::float8 AS new_p95
            FROM {{names.Table}}
            WHERE {{names.Column(nameof(Comparison.CreatedAt))}} >= {0}
              AND {{names.Column(nameof(Comparison.NoiseSample))}} = {1}
              AND ({2}::text IS NULL OR {{names.Column(nameof(Comparison.FlagName))}} = {2})
            """;
        return await db.Database.SqlQueryRaw<Aggregate>(sql, since, noiseSample, (object?)flag ?? DBNull.Value)
            .SingleAsync(cancellationToken);
    }

    /// <summary>One row of the aggregate query.</summary>
    private sealed record Aggregate(
        int Total, int Answered, double MatchRate, double SimilarityMean, double SimilarityP05, double CitationsRate, double SourcesRate,
        double OldP50, double OldP95, double NewP50, double NewP95);
}
