using Pipeline.Api.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pipeline.Api.Flags;
using Pipeline.Api.Problems;
using Pipeline.Api.Security;
using Pipeline.Api.Replays;
using Pipeline.Persistence.Replays;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Api.Operations;

/// <summary><c>/api/ops/replay</c>: re-run archived traffic through the current routing in shadow-only mode, and follow it (admin).</summary>
internal static class ReplayEndpoints
{
    public const int MaxListed = 100;
    private const int DefaultListed = 20;

    /// <summary>The body of a replay request: a window of acceptance times, optionally the flag and a limit.</summary>
    public sealed record ReplayRequestBody(DateTime? From, DateTime? To, string? Flag, int? Limit);

    /// <summary>The answer to a started replay.</summary>
    internal sealed record ReplayStarted(Guid ReplayId, int Total);

    public static IEndpointRouteBuilder MapReplayEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/ops/replay").RequireAdmin().WithTags("Operations");
        group.MapPost("/", StartAsync)
            .WithSummary("Re-run a window of archived requests in shadow-only mode")
            .AcceptsJson<ReplayRequestBody>()
            .Produces<ReplayStarted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();
        group.MapGet("/", ListAsync).WithSummary("Recent replays with their progress");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One replay's progress").ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<IResult> StartAsync(
        HttpContext http, ReplayLauncher launcher, IOptions<ReplayOptions> options, IOptions<RoutingOptions> routing, CancellationToken cancellationToken)
    {
        var (body, error) = await StrictJsonBody.ReadAsync<ReplayRequestBody>(http.Request, cancellationToken);
        if (error is not null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [error] });

        var (request, errors) = Validate(body!, FlagEndpoints.Actor(http), options.Value, routing.Value.FlagName);
        if (request is null)
            return TypedResults.ValidationProblem(errors);

        var replay = await launcher.StartAsync(request, cancellationToken);
        return TypedResults.Accepted($"/api/ops/replay/{replay.Id}", new ReplayStarted(replay.Id, replay.Total));
    }

    private static async Task<Results<Ok<ReplayProgress>, ProblemHttpResult>> GetAsync(Guid id, ReplayProgressQuery query, CancellationToken cancellationToken) =>
        await query.FindAsync(id, cancellationToken) is { } progress
            ? TypedResults.Ok(progress)
            : TypedResults.Problem(title: "No such replay", detail: $"Replay {id} does not exist.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<IReadOnlyList<ReplayProgress>>, ValidationProblem>> ListAsync(int? limit, ReplayProgressQuery query, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxListed)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxListed}."] });
        return TypedResults.Ok(await query.RecentAsync(limit ?? DefaultListed, cancellationToken));
    }

    internal static (ReplayRequest? Request, Dictionary<string, string[]> Errors) Validate(ReplayRequestBody body, string actor, ReplayOptions options, string routingFlag)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.From is null)
            errors["from"] = ["from is required (the start of the window, an ISO-8601 time)."];
        if (body.To is null)
            errors["to"] = ["to is required (the end of the window, an ISO-8601 time)."];
        if (body.From is { } from && body.To is { } to && from.ToUniversalTime() >= to.ToUniversalTime())
            errors["to"] = ["to must be after from."];
        var flag = body.Flag ?? routingFlag;
        if (flag != routingFlag)
            errors["flag"] = [$"A replay re-runs whole requests, which the routing flag '{routingFlag}' decides."];
        var limit = body.Limit ?? options.DefaultLimit;
        if (limit < 1 || limit > options.MaxLimit)
            errors["limit"] = [$"limit must be between 1 and {options.MaxLimit}."];
        return errors.Count > 0
            ? (null, errors)
            : (new ReplayRequest(body.From!.Value.ToUniversalTime(), body.To!.Value.ToUniversalTime(), flag, limit, actor), errors);
    }
}
