using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Pipeline.Api.OpenApi;
using Pipeline.Api.Problems;
using Pipeline.Api.Security;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Persistence.Flags;

namespace Pipeline.Api.Flags;

/// <summary><c>/api/flags</c> (docs/api.md §2): read, create, replace, patch, kill, audit and explain flags. Admin only.</summary>
internal static class FlagEndpoints
{
    public const string ActorHeader = "X-Actor";
    public const int MaxActorLength = 128;

    public static IEndpointRouteBuilder MapFlagEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flags").RequireAdmin().WithTags("Flags");
        group.MapGet("/", ListAsync).WithSummary("Every flag, by name");
        group.MapGet("/{name}", GetAsync).WithSummary("One flag")
            .Produces<FlagView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{name}", PutAsync)
            .WithSummary("Create a flag (no version) or replace the version you read (409 if it changed)")
            .AcceptsJson<FlagWriteBody>()
            .Produces<FlagView>(StatusCodes.Status201Created).Produces<FlagView>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPatch("/{name}", PatchAsync)
            .WithSummary("Change some fields of the version you read (409 if it changed); an explicit null clears a field")
            .AcceptsJson<FlagWriteBody>()
            .Produces<FlagView>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{name}/kill", KillAsync)
            .WithSummary("Kill switch: the flag is disabled at once, whatever its version; the body (a reason) is optional")
            // An empty body is accepted whatever its declared type; a body that is there must be JSON (the handler says so with a 400).
            .AcceptsJson<FlagKillBody>(required: false)
            .Produces<FlagView>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{name}/events", EventsAsync)
            .WithSummary("The flag's audit trail, newest first: changes, kills, rollout decisions, fallbacks")
            .Produces<List<FlagEventView>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{name}/evaluate", EvaluateAsync)
            .WithSummary("What the flag decides for a user and group now, and why")
            .Produces<FlagEvaluationView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Ok<List<FlagView>>> ListAsync(PipelineDbContext db, CancellationToken cancellationToken)
    {
        var flags = await db.Set<FeatureFlag>().AsNoTracking().OrderBy(f => f.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(flags.Select(FlagJson.View).ToList());
    }

    private static async Task<IResult> GetAsync(string name, PipelineDbContext db, CancellationToken cancellationToken)
    {
        if (InvalidName(name) is { } invalid)
            return invalid;
        var flag = await db.Set<FeatureFlag>().AsNoTracking().SingleOrDefaultAsync(f => f.Name == name, cancellationToken);
        return flag is null ? NotFound(name) : TypedResults.Ok(FlagJson.View(flag));
    }

    private static async Task<IResult> PutAsync(string name, HttpContext http, FlagAdministration flags, CancellationToken cancellationToken)
    {
        var (request, failure) = await ReadAsync(name, http, cancellationToken);
        if (failure is not null)
            return failure;

        var result = request!.Version is { } version
            ? await flags.UpdateAsync(name, version, request.Change, replace: true, Actor(http), request.Reason, cancellationToken)
            : await flags.CreateAsync(name, request.Change, Actor(http), request.Reason, cancellationToken);
        return ToResult(name, result, request.Version is null
            ? "A flag with this name exists; send its version to replace it."
            : "The flag changed since the version you read; reload and retry.");
    }

    private static async Task<IResult> PatchAsync(string name, HttpContext http, FlagAdministration flags, CancellationToken cancellationToken)
    {
        var (request, failure) = await ReadAsync(name, http, cancellationToken);
        if (failure is not null)
            return failure;
        if (request!.Version is not { } version)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["version is required: send the version you read."] });

        var result = await flags.UpdateAsync(name, version, request.Change, replace: false, Actor(http), request.Reason, cancellationToken);
        return ToResult(name, result, "The flag changed since the version you read; reload and retry.");
    }

    private static async Task<IResult> KillAsync(string name, HttpContext http, FlagAdministration flags, CancellationToken cancellationToken)
    {
        if (InvalidName(name) is { } invalid)
            return invalid;
        // An emergency must not fail on form: many clients declare a JSON body they leave empty, so an empty or absent
        // body is no body whatever its content type; only a body that is there is read (and must be right).
        string? reason = null;
        var (document, error) = await StrictJsonBody.ReadOptionalAsync<JsonDocument>(http.Request, cancellationToken);
        if (error is not null)
            return TypedResults.Problem(title: "Invalid flag request", detail: error, statusCode: StatusCodes.Status400BadRequest);
        if (document is not null)
        {
            var (request, failure) = Read(document, killOnly: true);
            if (failure is not null)
                return failure;
            reason = request!.Reason;
        }

        var result = await flags.KillAsync(name, Actor(http), reason, cancellationToken);
        return ToResult(name, result, "");
    }

    private static async Task<IResult> EventsAsync(string name, PipelineDbContext db, CancellationToken cancellationToken)
    {
        if (InvalidName(name) is { } invalid)
            return invalid;
        if (!await db.Set<FeatureFlag>().AnyAsync(f => f.Name == name, cancellationToken))
            return NotFound(name);
        var events = await db.Set<FeatureFlagEvent>().AsNoTracking().Where(e => e.FlagName == name)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(events.Select(e => new FlagEventView(
            e.At, e.Type, e.Actor, Parse(e.Before), Parse(e.After), e.Reason)).ToList());
    }

    private static async Task<IResult> EvaluateAsync(string name, string? userId, string? group, PipelineDbContext db, CancellationToken cancellationToken)
    {
        if (InvalidName(name) is { } invalid)
            return invalid;
        var flags = await db.Set<FeatureFlag>().AsNoTracking().ToListAsync(cancellationToken);
        if (flags.All(f => f.Name != name))
            return NotFound(name);

        // Evaluated on the stored state as it is now, so the answer explains what every router is about to do.
        var snapshot = new FlagSnapshot(flags.Select(f => f.ToDefinition()));
        var key = string.IsNullOrWhiteSpace(userId) ? Guid.NewGuid().ToString("N") : userId;
        var decision = FlagEvaluation.Evaluate(snapshot, name, new FlagContext(key, userId, group));
        return TypedResults.Ok(new FlagEvaluationView(decision.Mode.ToString().ToLowerInvariant(), decision.Bucket, decision.Explain()));
    }

    private static async Task<(FlagRequestReader.FlagRequest? Request, IResult? Failure)> ReadAsync(string name, HttpContext http, CancellationToken cancellationToken)
    {
        if (InvalidName(name) is { } invalid)
            return (null, invalid);
        var (document, error) = await StrictJsonBody.ReadAsync<JsonDocument>(http.Request, cancellationToken);
        if (document is null)
            return (null, TypedResults.Problem(title: "Invalid flag request", detail: error, statusCode: StatusCodes.Status400BadRequest));
        return Read(document, killOnly: false);
    }

    private static (FlagRequestReader.FlagRequest? Request, IResult? Failure) Read(JsonDocument document, bool killOnly)
    {
        using (document)
        {
            var (request, errors) = FlagRequestReader.Read(document.RootElement);
            if (killOnly)
            {
                foreach (var (field, messages) in FlagRequestReader.OnlyKillFields(document.RootElement))
                    errors[field] = messages;
                if (errors.Count > 0)
                    request = null;
            }

            return request is null ? (null, TypedResults.ValidationProblem(errors, title: "Invalid flag request")) : (request, null);
        }
    }

    private static IResult ToResult(string name, FlagWriteResult result, string conflict) => result.Outcome switch
    {
        FlagWriteOutcome.Created => TypedResults.Created($"/api/flags/{name}", FlagJson.View(result.Flag!)),
        FlagWriteOutcome.Updated => TypedResults.Ok(FlagJson.View(result.Flag!)),
        FlagWriteOutcome.NotFound => NotFound(name),
        FlagWriteOutcome.Invalid => TypedResults.ValidationProblem(result.Errors!, title: "Invalid flag request"),
        _ => TypedResults.Problem(title: "Version conflict", detail: conflict, statusCode: StatusCodes.Status409Conflict,
            extensions: result.Flag is null ? null : new Dictionary<string, object?> { ["currentVersion"] = result.Flag.Version }),
    };

    internal static IResult? InvalidName(string name) => FlagAdministration.IsValidName(name)
        ? null
        : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["Flag names are lowercase letters, digits and dashes, 1 to 64."] });

    internal static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem(title: "Flag not found", detail: $"There is no flag named '{name}'.", statusCode: StatusCodes.Status404NotFound);

    internal static string Actor(HttpContext http)
    {
        var declared = http.Request.Headers[ActorHeader].ToString().Trim();
        if (declared.Length is > 0 and <= MaxActorLength && declared.All(c => !char.IsControl(c)))
            return declared;
        return http.User.FindFirstValue(ClaimTypes.Name) ?? "unknown";
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>One audit entry as the contract shows it.</summary>
internal sealed record FlagEventView(DateTime At, string Type, string Actor, JsonElement? Before, JsonElement? After, string? Reason);

/// <summary>The evaluate endpoint's answer.</summary>
internal sealed record FlagEvaluationView(string Mode, double Bucket, string Reason);
