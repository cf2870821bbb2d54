using Pipeline.Api.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Pipeline.Api.Flags;
using Pipeline.Api.Problems;
using Pipeline.Api.Security;
using Pipeline.Evaluation.Evals;
using Pipeline.Persistence;
using Pipeline.Persistence.Evals;

namespace Pipeline.Api.Evals;

/// <summary><c>/api/evals</c>: scored samples of answers, the ones flagged for human review, and their review (admin).</summary>
internal static class EvalEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxNoteLength = 2_000;

    public static IEndpointRouteBuilder MapEvalEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/evals").RequireAdmin().WithTags("Evals");
        group.MapGet("/", ListAsync).WithSummary("Scored samples of answers, newest first; flagged=true lists the review queue");
        group.MapPost("/{id:guid}/review", ReviewAsync)
            .WithSummary("Record a human verdict on an eval and clear its review flag")
            .AcceptsJson<EvalReviewBody>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<List<EvalResponse>>, ValidationProblem>> ListAsync(
        PipelineDbContext db, string? flagged, int? limit, CancellationToken cancellationToken)
    {
        // flagged is read by hand so that a wrong value is a 400 naming it, not the framework's anonymous binding failure.
        var errors = new Dictionary<string, string[]>();
        bool? onlyFlagged = flagged switch
        {
            null or "" => null,
            _ when bool.TryParse(flagged, out var value) => value,
            _ => null,
        };
        if (!string.IsNullOrEmpty(flagged) && onlyFlagged is null)
            errors["flagged"] = ["flagged must be true or false."];
        if (limit is < 1 or > MaxLimit)
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var query = db.Set<EvalResult>().AsNoTracking();
        if (onlyFlagged is { } wanted)
            query = query.Where(e => e.Flagged == wanted);
        var rows = await query.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(limit ?? DefaultLimit).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(EvalResponse.From).ToList());
    }

    private static async Task<Results<Ok<EvalResponse>, ValidationProblem, ProblemHttpResult>> ReviewAsync(
        Guid id, HttpContext http, PipelineDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await StrictJsonBody.ReadAsync<EvalReviewBody>(http.Request, cancellationToken);
        if (body is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [error!] }, title: "Invalid review");
        var errors = Validate(body);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Invalid review");

        var eval = await db.Set<EvalResult>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (eval is null)
            return TypedResults.Problem(title: "Eval not found", detail: $"There is no eval with id '{id}'.", statusCode: StatusCodes.Status404NotFound);

        // A review settles the flag: the eval leaves the review queue whatever the verdict, and the verdict stays on record.
        eval.ReviewVerdict = body.Verdict;
        eval.ReviewNote = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note;
        eval.ReviewedAt = time.GetUtcNow().UtcDateTime;
        eval.ReviewedBy = FlagEndpoints.Actor(http);
        eval.Flagged = false;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(EvalResponse.From(eval));
    }

    private static Dictionary<string, string[]> Validate(EvalReviewBody body)
    {
        var errors = new Dictionary<string, string[]>();
        if (!EvalVerdicts.IsValid(body.Verdict))
            errors["verdict"] = [$"verdict must be \"{EvalVerdicts.Approved}\" or \"{EvalVerdicts.Rejected}\"."];
        if (body.Note is { Length: > MaxNoteLength })
            errors["note"] = [$"note must be at most {MaxNoteLength} characters."];
        else if (body.Note is { } note && TextRules.HasForbiddenControl(note))
            errors["note"] = ["note must not contain control characters other than tab and line breaks."];
        return errors;
    }
}
