using Pipeline.Api.OpenApi;
using System.Text.Json;
using System.Xml;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pipeline.Api.Problems;
using Pipeline.Api.Security;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Rollouts;
using Pipeline.Persistence.Rollouts;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Api.Flags;

/// <summary><c>/api/flags/{name}/rollout</c>: start an automated staged rollout, and see where it stands (admin).</summary>
internal static class RolloutEndpoints
{
    public const int MaxStages = 10;
    public const int MaxMinSamples = 10_000_000;
    public static readonly TimeSpan LongestDwell = TimeSpan.FromDays(30);

    /// <summary>The body of a rollout request; every field optional (the configured defaults apply).</summary>
    internal sealed record RolloutRequestBody(JsonElement[]? Stages, int? MinSamples, string? MinDwell, string? Kind = null);

    /// <summary>A rollout as the API shows it.</summary>
    public sealed record RolloutView(
        Guid Id, string Flag, string Kind, IReadOnlyList<string> Stages, string Stage, double? Percentage, string Status, int MinSamples,
        string MinDwell, DateTime StartedAt, string StartedBy, DateTime StageStartedAt, DateTime? FinishedAt, string? LastDecision)
    {
        public static RolloutView From(StagedRollout r) => new(
            r.Id, r.FlagName, r.Kind, r.Stages, r.Stages[r.StageIndex], r.CurrentPercentage, r.Status, r.MinSamples, XmlConvert.ToString(r.MinDwell),
            r.StartedAt, r.StartedBy, r.StageStartedAt, r.FinishedAt, r.LastDecision);
    }

    public static IEndpointRouteBuilder MapRolloutEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flags/{name}/rollout").RequireAdmin().WithTags("Flags");
        group.MapPost("/", StartAsync)
            .WithSummary("Start an automated staged rollout of the routing flag or a workflow step flag")
            .AcceptsJson<RolloutRequestBody>()
            .Produces<RolloutView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", LatestAsync)
            .WithSummary("The flag's latest automated rollout and its last decision")
            .Produces<RolloutView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<IResult> StartAsync(
        string name, HttpContext http, RolloutConductor conductor, PipelineDbContext db, IOptions<RolloutOptions> options, IOptions<RoutingOptions> routing,
        CancellationToken cancellationToken)
    {
        if (FlagEndpoints.InvalidName(name) is { } invalid)
            return invalid;
        if (!await db.Set<FeatureFlag>().AnyAsync(f => f.Name == name, cancellationToken))
            return FlagEndpoints.NotFound(name);
        var isParent = await db.Set<FeatureFlag>().AnyAsync(f => f.Parent == name, cancellationToken);
        if (RolloutTargets.Refusal(name, routing.Value.FlagName, isParent) is { } refusal)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [refusal] }, title: "This flag cannot be rolled out automatically");

        var (read, error) = await StrictJsonBody.ReadOptionalAsync<RolloutRequestBody>(http.Request, cancellationToken);
        if (error is not null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [error] });
        var body = read ?? new RolloutRequestBody(null, null, null, null);

        var (plan, errors) = Validate(body, options.Value);
        if (plan is null)
            return TypedResults.ValidationProblem(errors);

        var (outcome, rollout) = await conductor.StartAsync(name, plan, FlagEndpoints.Actor(http), cancellationToken);
        return outcome switch
        {
            RolloutStartOutcome.FlagNotFound => FlagEndpoints.NotFound(name),
            RolloutStartOutcome.AlreadyRunning => TypedResults.Problem(title: "A rollout is already running",
                detail: $"Rollout {rollout!.Id} of '{name}' is at stage {rollout.Stages[rollout.StageIndex]}.", statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Accepted($"/api/flags/{name}/rollout", RolloutView.From(rollout!)),
        };
    }

    private static async Task<IResult> LatestAsync(string name, PipelineDbContext db, CancellationToken cancellationToken)
    {
        if (FlagEndpoints.InvalidName(name) is { } invalid)
            return invalid;
        var rollout = await db.Set<StagedRollout>().AsNoTracking().Where(r => r.FlagName == name)
            .OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(cancellationToken);
        return rollout is null
            ? TypedResults.Problem(title: "No rollout", detail: $"'{name}' has never been rolled out automatically.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(RolloutView.From(rollout));
    }

    private static (RolloutPlan? Plan, Dictionary<string, string[]> Errors) Validate(RolloutRequestBody body, RolloutOptions defaults)
    {
        var errors = new Dictionary<string, string[]>();
        var stages = new List<RolloutStage>();
        var texts = body.Stages?.Select(StageText).ToArray() ?? defaults.DefaultStages;
        if (texts.Length is 0 or > MaxStages)
            errors["stages"] = [$"stages must list 1 to {MaxStages} stages."];
        for (var i = 0; i < texts.Length && !errors.ContainsKey("stages"); i++)
        {
            if (!RolloutStage.TryParse(texts[i], out var stage))
                errors["stages"] = [$"stage {i + 1} must be \"shadow\" or a percentage above 0 and at most 100."];
            else if (stage.IsShadow && i > 0)
                errors["stages"] = ["\"shadow\" can only be the first stage."];
            else if (!stage.IsShadow && stages.Count > 0 && !stages[^1].IsShadow && stage.Percentage <= stages[^1].Percentage)
                errors["stages"] = ["percentages must increase from stage to stage."];
            else
                stages.Add(stage);
        }

        var minSamples = body.MinSamples ?? defaults.DefaultMinSamples;
        if (minSamples is < 1 or > MaxMinSamples)
            errors["minSamples"] = [$"minSamples must be from 1 to {MaxMinSamples}."];

        var minDwell = defaults.DefaultMinDwell;
        if (body.MinDwell is { } dwellText)
        {
            try
            {
                minDwell = XmlConvert.ToTimeSpan(dwellText);
                if (minDwell < TimeSpan.Zero || minDwell > LongestDwell)
                    errors["minDwell"] = [$"minDwell must be from PT0S to P{LongestDwell.TotalDays}D."];
            }
            catch (FormatException)
            {
                errors["minDwell"] = ["minDwell must be an ISO-8601 duration such as PT10M."];
            }
            catch (OverflowException)
            {
                errors["minDwell"] = [$"minDwell must be from PT0S to P{LongestDwell.TotalDays}D."];
            }
        }

        var kind = body.Kind ?? RolloutKind.Equivalence;
        if (!RolloutKind.All.Contains(kind))
            errors["kind"] = [$"kind must be one of: {string.Join(", ", RolloutKind.All)}."];

        return (errors.Count == 0 ? new RolloutPlan(stages, minSamples, minDwell, kind) : null, errors);
    }

    /// <summary>Stages arrive as the string "shadow" or as numbers; anything else fails parsing with the stage named.</summary>
    private static string StageText(JsonElement stage) => stage.ValueKind switch
    {
        JsonValueKind.String => stage.GetString()!,
        JsonValueKind.Number => stage.GetRawText(),
        _ => "",
    };
}
