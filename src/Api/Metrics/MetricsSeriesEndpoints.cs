using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Comparisons;
using Pipeline.Api.Security;
using Pipeline.Evaluation.Metrics;

namespace Pipeline.Api.Metrics;

/// <summary><c>GET /api/metrics/series?window=1h&amp;step=1m</c>: recorded outcomes per time bucket, for the dashboard's charts (admin).</summary>
internal static class MetricsSeriesEndpoints
{
    public const string DefaultWindow = "1h";
    public const string DefaultStep = "1m";
    public static readonly TimeSpan ShortestStep = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapMetricsSeriesEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/metrics/series", SeriesAsync).RequireAdmin().WithTags("Operations")
            .WithSummary("Recorded outcomes per time bucket (rates, latency percentiles per pipeline, cache, cost, share, match rate)");
        return routes;
    }

    private static async Task<Results<Ok<MetricsSeries>, ValidationProblem>> SeriesAsync(
        MetricsSeriesQuery series, string? window, string? step, CancellationToken cancellationToken)
    {
        var windowText = window ?? DefaultWindow;
        var stepText = step ?? DefaultStep;
        var errors = new Dictionary<string, string[]>();
        if (!TimeWindow.TryParse(windowText, out var windowSpan))
            errors["window"] = [$"window must be a duration such as 30s, 5m, 1h or PT1H, at most {TimeWindow.Longest.TotalDays} days."];
        if (!TimeWindow.TryParse(stepText, out var stepSpan) || stepSpan < ShortestStep)
            errors["step"] = ["step must be a duration of at least 1s such as 10s, 1m or PT5M."];
        else if (errors.Count == 0 && stepSpan > windowSpan)
            errors["step"] = ["step must not be longer than the window."];
        else if (errors.Count == 0 && MetricsSeriesQuery.BucketCount(windowSpan, stepSpan) > MetricsSeriesQuery.MaxBuckets)
            errors["step"] = [$"window / step must be at most {MetricsSeriesQuery.MaxBuckets} buckets; use a longer step."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        return TypedResults.Ok(await series.SeriesAsync(windowText, windowSpan, stepText, stepSpan, cancellationToken));
    }
}
