using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Comparisons;
using Pipeline.Api.Security;
using Pipeline.Evaluation.Metrics;

namespace Pipeline.Api.Metrics;

/// <summary><c>GET /api/metrics/summary</c>: request outcomes, rollouts and shadow agreement over a sliding window (admin).</summary>
internal static class MetricsSummaryEndpoints
{
    public const string DefaultWindow = "5m";

    public static IEndpointRouteBuilder MapMetricsSummaryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/metrics/summary", SummaryAsync).RequireAdmin().WithTags("Operations")
            .WithSummary("Request outcomes, rollouts and shadow agreement over a sliding window");
        return routes;
    }

    private static async Task<Results<Ok<MetricsSummary>, ValidationProblem>> SummaryAsync(
        MetricsSummaryQuery summaries, string? window, CancellationToken cancellationToken)
    {
        var text = window ?? DefaultWindow;
        if (!TimeWindow.TryParse(text, out var span))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["window"] = [$"window must be a duration such as 30s, 5m, 1h or PT1H, at most {TimeWindow.Longest.TotalDays} days."],
            });
        }

        return TypedResults.Ok(await summaries.SummarizeAsync(text, span, cancellationToken));
    }
}
