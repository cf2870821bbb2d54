using Microsoft.EntityFrameworkCore;
using Pipeline.Api.Security;
using Pipeline.Evaluation.Alerts;
using Pipeline.Persistence;
using Pipeline.Persistence.Alerts;

namespace Pipeline.Api.Alerts;

/// <summary><c>GET /api/alerts</c>: the alerts firing now, most severe first (admin).</summary>
internal static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/alerts", ActiveAsync).RequireAdmin().WithTags("Operations")
            .WithSummary("Alerts firing now, most severe first");
        return routes;
    }

    private static async Task<IResult> ActiveAsync(PipelineDbContext db, CancellationToken cancellationToken)
    {
        var active = await db.Set<ActiveAlert>().AsNoTracking().Where(a => a.ResolvedAt == null).ToListAsync(cancellationToken);
        return TypedResults.Ok(active.OrderBy(a => SeverityRank(a.Severity)).ThenBy(a => a.Since).Select(AlertResponse.From).ToList());
    }

    private static int SeverityRank(string severity) => severity switch
    {
        AlertRules.Critical => 0,
        AlertRules.Warning => 1,
        _ => 2,
    };
}
