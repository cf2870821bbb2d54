using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Api.Security;
using Pipeline.Persistence;
using Pipeline.Persistence.Comparisons;

namespace Pipeline.Api.Comparisons;

/// <summary><c>/api/comparisons</c>: recorded shadow comparisons and their summary (admin).</summary>
internal static class ComparisonEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const string DefaultWindow = "1h";

    public static IEndpointRouteBuilder MapComparisonEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/comparisons").RequireAdmin().WithTags("Comparisons");
        group.MapGet("/", ListAsync).WithSummary("Recorded comparisons, newest first, filtered by flag, match and time");
        group.MapGet("/summary", SummaryAsync).WithSummary("Agreement, latency and the legacy-vs-legacy noise floor over a window");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One comparison with both results and their diff");
        return routes;
    }

    private static async Task<Results<Ok<List<ComparisonResponse>>, ValidationProblem>> ListAsync(
        PipelineDbContext db, string? flag, bool? match, DateTime? from, DateTime? to, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxLimit)
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        if (InvalidFlag(flag) is { } invalidFlag)
            errors["flag"] = [invalidFlag];
        if (from is not null && to is not null && from > to)
            errors["from"] = ["from must not be after to."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var query = db.Set<Comparison>().AsNoTracking();
        if (!string.IsNullOrEmpty(flag))
            query = query.Where(c => c.FlagName == flag);
        if (match is not null)
            query = query.Where(c => c.Match == match);
        if (from is not null)
            query = query.Where(c => c.CreatedAt >= from.Value.ToUniversalTime());
        if (to is not null)
            query = query.Where(c => c.CreatedAt <= to.Value.ToUniversalTime());
        var rows = await query.OrderByDescending(c => c.CreatedAt).Take(limit ?? DefaultLimit).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ComparisonResponse.From).ToList());
    }

    private static async Task<Results<Ok<ComparisonResponse>, NotFound>> GetAsync(PipelineDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var row = await db.Set<Comparison>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ComparisonResponse.From(row));
    }

    private static async Task<Results<Ok<ComparisonSummary>, ValidationProblem>> SummaryAsync(
        ComparisonSummaryQuery summaries, TimeProvider time, string? flag, string? window, CancellationToken cancellationToken)
    {
        if (InvalidFlag(flag) is { } invalidFlag)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["flag"] = [invalidFlag] });
        if (!TimeWindow.TryParse(window ?? DefaultWindow, out var span))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["window"] = [$"window must be a duration such as 5m, 1h, 7d or PT1H, at most {TimeWindow.Longest.TotalDays} days."],
            });
        }

        var since = time.GetUtcNow().UtcDateTime - span;
        return TypedResults.Ok(await summaries.SummarizeAsync(flag, since, cancellationToken));
    }

    // The filter goes to the database as text, which cannot hold NUL; no flag name holds a control character anyway.
    private static string? InvalidFlag(string? flag) =>
        flag is not null && (flag.Length > 200 || Problems.TextRules.HasForbiddenControl(flag))
            ? "flag must be a flag name: at most 200 characters, no control characters."
            : null;
}
