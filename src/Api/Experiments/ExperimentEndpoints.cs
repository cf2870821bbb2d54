using Microsoft.Extensions.Options;
using Pipeline.Api.Flags;
using Pipeline.Api.Problems;
using Pipeline.Api.Security;
using Pipeline.Rollouts.Experiments;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.Rollouts;
using Pipeline.Persistence.Experiments;
using Pipeline.Persistence.Routing;
using Pipeline.Platform.Routing;

namespace Pipeline.Api.Experiments;

/// <summary>
/// <c>/api/experiments</c>: run a golden dataset (the repository's, or one uploaded as JSON Lines) through the pipelines
/// shadow-only, list experiments, read one with per-variant metrics and per-question rows, compare two variants (admin).
/// </summary>
internal static class ExperimentEndpoints
{
    public const int MaxListed = 100;
    public const int MaxNameLength = 128;
    private const int DefaultListed = 20;

    /// <summary>
    /// An experiment request; every field optional. <c>dataset</c> is an uploaded dataset's JSON Lines text (absent: the
    /// repository's golden dataset); <c>limit</c> runs only its first questions; <c>flag</c> is the flag whose
    /// improvement gate will read it (the routing flag or a step flag).
    /// </summary>
    internal sealed record ExperimentRequestBody(string? Name, string? Flag, string[]? Variants, string? Dataset, int? Limit);

    /// <summary>An experiment with its per-question rows.</summary>
    internal sealed record ExperimentDetail(ExperimentView Experiment, IReadOnlyList<ExperimentQuestionRow> Questions);

    public static IEndpointRouteBuilder MapExperimentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/experiments").RequireAuthorization(AdminPolicy.Name).WithTags("Experiments");
        group.MapPost("/", StartAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("/{id:guid}/compare", CompareAsync);
        return routes;
    }

    private static async Task<IResult> StartAsync(
        HttpContext http, ExperimentLauncher launcher, IOptions<ExperimentOptions> options, IOptions<RoutingOptions> routing,
        IHostEnvironment environment, CancellationToken cancellationToken)
    {
        var body = new ExperimentRequestBody(null, null, null, null, null);
        if (http.Request.ContentLength > 0 || http.Request.HasJsonContentType())
        {
            var (read, error) = await StrictJsonBody.ReadAsync<ExperimentRequestBody>(http.Request, cancellationToken);
            if (error is not null)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [error] });
            body = read!;
        }

        var errors = new Dictionary<string, string[]>();
        var flag = body.Flag ?? routing.Value.FlagName;
        var treatment = ExperimentVariants.TreatmentFor(flag);
        if (treatment is null)
            errors["flag"] = [$"flag must be the routing flag '{routing.Value.FlagName}' or a workflow step flag ({string.Join(", ", ExperimentVariants.Steps)})."];
        var variants = body.Variants ?? (flag == routing.Value.FlagName ? ExperimentVariants.All.ToArray() : [ExperimentVariants.Legacy, flag]);
        if (variants.Distinct().Count() != variants.Length || variants.Any(v => !ExperimentVariants.All.Contains(v)))
            errors["variants"] = [$"variants must be distinct, each one of: {string.Join(", ", ExperimentVariants.All)}."];
        else if (!variants.Contains(ExperimentVariants.Legacy) || (treatment is not null && !variants.Contains(treatment)))
            errors["variants"] = [$"variants must include '{ExperimentVariants.Legacy}' and '{treatment}', the two sides the flag's gate compares."];
        var name = body.Name ?? $"{flag} {DateTime.UtcNow:yyyy-MM-dd HH:mm}";
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
            errors["name"] = [$"name must be 1 to {MaxNameLength} characters."];
        if (body.Limit is < 1)
            errors["limit"] = ["limit must be at least 1."];

        var (questions, dataset) = await ReadDatasetAsync(body.Dataset, options.Value, environment, errors, cancellationToken);
        if (questions is not null)
        {
            questions = questions.Take(body.Limit ?? int.MaxValue).ToList();
            if (questions.Count == 0)
                errors["dataset"] = ["the dataset holds no question."];
            else if (questions.Count > options.Value.MaxQuestions)
                errors["dataset"] = [$"an experiment runs at most {options.Value.MaxQuestions} questions; give a smaller limit."];
        }

        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var experiment = await launcher.StartAsync(
            new ExperimentPlan(name, flag, dataset, questions!, variants, treatment!, ExperimentVariants.Legacy, FlagEndpoints.Actor(http)), cancellationToken);
        return TypedResults.Accepted($"/api/experiments/{experiment.Id}",
            new { id = experiment.Id, experiment.Name, flag, dataset, questions = questions!.Count, variants, experiment.Total });
    }

    private static async Task<(IReadOnlyList<GoldenQuestion>? Questions, string Dataset)> ReadDatasetAsync(
        string? upload, ExperimentOptions options, IHostEnvironment environment, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        try
        {
            if (upload is not null)
                return (GoldenDataset.Parse(upload), "upload");
            var path = new[] { Path.GetFullPath(options.DatasetPath), Path.Combine(environment.ContentRootPath, options.DatasetPath) }.FirstOrDefault(File.Exists);
            if (path is null)
            {
                errors["dataset"] = [$"no dataset was uploaded and the golden dataset '{options.DatasetPath}' is not on this server; upload one (JSON Lines)."];
                return (null, "");
            }

            return (await GoldenDataset.LoadAsync(path, cancellationToken), Path.GetFileName(path));
        }
        catch (GoldenDatasetException ex)
        {
            errors["dataset"] = [ex.Message];
            return (null, "");
        }
    }

    private static async Task<IResult> ListAsync(int? limit, ExperimentReports reports, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxListed)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxListed}."] });
        return TypedResults.Ok(await reports.RecentAsync(limit ?? DefaultListed, cancellationToken));
    }

    private static async Task<IResult> GetAsync(Guid id, ExperimentReports reports, CancellationToken cancellationToken) =>
        await reports.FindAsync(id, cancellationToken) is { } found
            ? TypedResults.Ok(new ExperimentDetail(found.View, found.Rows))
            : NotFound(id);

    private static async Task<IResult> CompareAsync(
        Guid id, string? treatment, string? control, ExperimentReports reports, IOptions<RolloutOptions> rollout, CancellationToken cancellationToken)
    {
        if (await reports.FindAsync(id, cancellationToken) is not { } found)
            return NotFound(id);
        var errors = new Dictionary<string, string[]>();
        treatment ??= found.View.Treatment;
        control ??= found.View.Control;
        if (!found.View.VariantNames.Contains(treatment))
            errors["treatment"] = [$"treatment must be one of this experiment's variants: {string.Join(", ", found.View.VariantNames)}."];
        if (!found.View.VariantNames.Contains(control))
            errors["control"] = [$"control must be one of this experiment's variants: {string.Join(", ", found.View.VariantNames)}."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await reports.CompareAsync(id, treatment, control, rollout.Value.Significance, cancellationToken));
    }

    private static IResult NotFound(Guid id) =>
        TypedResults.Problem(title: "No such experiment", detail: $"Experiment {id} does not exist.", statusCode: StatusCodes.Status404NotFound);
}
