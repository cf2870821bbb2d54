using System.Globalization;
using System.Net.Http.Json;
using Pipeline.Api.Experiments;
using Pipeline.Rollouts.Experiments;
using Pipeline.Persistence.Experiments;
using Spectre.Console;

namespace Pipeline.Api.Hosting;

/// <summary>
/// The <c>experiment [dataset.jsonl] [--variants a,b] [--flag f] [--name n] [--limit n]</c> verb: an operator's client
/// of a running API (<c>PIPELINE_URL</c>, admin key in <c>PIPELINE_ADMIN_KEY</c>) that uploads a golden dataset, starts
/// an experiment, follows it with a progress bar, then prints the per-variant metrics and the paired comparison.
/// It talks to the API rather than calling the launcher in-process so the experiment is published where the bus and its
/// outbox delivery already run, and so the API's validation is the only one; the dataset is read here and uploaded, so
/// the server needs no copy of the operator's file.
/// </summary>
public static class ExperimentCommand
{
    public const string Verb = "experiment";
    public const string DefaultDataset = "datasets/golden/regulatory-qa.jsonl";
    public const int UsageError = 2;
    public const int Refused = 1;

    /// <summary>Ctrl+C while following: the experiment goes on on the server; only this client stops (the shell's 128 + SIGINT).</summary>
    public const int Interrupted = 130;
    private const string Usage =
        "usage: experiment [dataset.jsonl] [--variants legacy,workflow,...] [--flag <flag>] [--name <name>] [--limit <n>] [--url <api>]   (admin key in PIPELINE_ADMIN_KEY)";
    private static readonly string[] Options = ["variants", "flag", "name", "limit", "url"];
    // The collector scores answers every Experiments:CollectInterval (2 s by default); asking more often shows nothing new.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>The experiment's progress as the detail route reports it (its per-question rows are not needed here).</summary>
    private sealed record Detail(ExperimentView Experiment);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken, IAnsiConsole? console = null, HttpMessageHandler? handler = null)
    {
        console ??= AnsiConsole.Console;
        if (Parse(args) is not ({ } datasetPath, { } options))
        {
            console.WriteLine(Usage);
            return UsageError;
        }

        var key = OperatorClient.AdminKey();
        if (key is null)
        {
            console.MarkupLineInterpolated($"[red]{OperatorClient.KeyVariable} must hold an admin key.[/]");
            return UsageError;
        }

        if (!File.Exists(datasetPath))
        {
            console.MarkupLineInterpolated($"[red]{datasetPath}: no such dataset file (JSON Lines, one golden question a line).[/]");
            return UsageError;
        }

        var body = new Dictionary<string, object?> { ["dataset"] = await File.ReadAllTextAsync(datasetPath, cancellationToken) };
        if (options.TryGetValue("variants", out var variants))
            body["variants"] = variants.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (options.TryGetValue("flag", out var flag))
            body["flag"] = flag;
        body["name"] = options.GetValueOrDefault("name") ?? $"{Path.GetFileName(datasetPath)} {DateTime.UtcNow:yyyy-MM-dd HH:mm}";
        if (options.TryGetValue("limit", out var limit))
            body["limit"] = OperatorClient.Limit(limit);

        var url = OperatorClient.Url(options);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address))
        {
            console.MarkupLineInterpolated($"[red]{url}: not an absolute URL of the API.[/]");
            return UsageError;
        }

        using var http = OperatorClient.Create(address, key, handler);

        try
        {
            return await StartAndFollowAsync(console, http, body, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            console.MarkupLineInterpolated($"[red]the API at {http.BaseAddress} did not answer as expected: {ex.Message}[/]");
            return Refused;
        }
    }

    private static async Task<int> StartAndFollowAsync(IAnsiConsole console, HttpClient http, Dictionary<string, object?> body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/experiments", body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            console.MarkupLineInterpolated($"[red]experiment refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}[/]");
            return Refused;
        }

        var id = (await response.Content.ReadFromJsonAsync<Started>(cancellationToken))!.Id;
        ExperimentView experiment;
        try
        {
            experiment = await FollowAsync(console, http, id, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLineInterpolated($"stopped following; experiment {id} goes on: GET /api/experiments/{id}");
            return Interrupted;
        }

        PrintVariants(console, experiment);

        var comparison = await CompareAsync(http, experiment, cancellationToken);
        PrintComparison(console, comparison);
        var failed = experiment.Variants.Sum(v => v.Failed);
        console.MarkupLineInterpolated(
            $"experiment {experiment.Id}: {experiment.Collected} of {experiment.Total} answers collected, {failed} failed; details at /api/experiments/{experiment.Id}");
        return failed == 0 ? 0 : Refused;
    }

    private sealed record Started(Guid Id);

    private static async Task<ExperimentView> FollowAsync(IAnsiConsole console, HttpClient http, Guid id, CancellationToken cancellationToken)
    {
        ExperimentView? experiment = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"experiment {id}", maxValue: 1);
                while (true)
                {
                    experiment = (await http.GetFromJsonAsync<Detail>($"/api/experiments/{id}", cancellationToken))!.Experiment;
                    task.MaxValue = Math.Max(1, experiment.Total);
                    task.Value = experiment.Collected;
                    task.Description = $"experiment {id}: {experiment.Collected}/{experiment.Total} answered";
                    if (experiment.Status == ExperimentView.Completed)
                        break;
                    await Task.Delay(PollInterval, cancellationToken);
                }
            });
        return experiment!;
    }

    /// <summary>Workflow against legacy when both ran; otherwise the two sides the experiment's flag gate weighs.</summary>
    private static async Task<ExperimentComparison> CompareAsync(HttpClient http, ExperimentView experiment, CancellationToken cancellationToken)
    {
        var (treatment, control) = experiment.VariantNames.Contains(ExperimentVariants.Workflow) && experiment.VariantNames.Contains(ExperimentVariants.Legacy)
            ? (ExperimentVariants.Workflow, ExperimentVariants.Legacy)
            : (experiment.Treatment, experiment.Control);
        return (await http.GetFromJsonAsync<ExperimentComparison>(
            $"/api/experiments/{experiment.Id}/compare?treatment={Uri.EscapeDataString(treatment)}&control={Uri.EscapeDataString(control)}", cancellationToken))!;
    }

    private static void PrintVariants(IAnsiConsole console, ExperimentView experiment)
    {
        var k = experiment.Variants.Select(v => v.Quality.K).FirstOrDefault(5);
        var table = new Table().Title(Markup.Escape($"{experiment.Name} ({experiment.Questions} questions, flag {experiment.Flag})"))
            .AddColumns("variant", "answered", "failed", "hit@1", $"hit@{k}", "MRR", "right regulation", "citation precision", "eval score", "p50 ms", "p95 ms");
        foreach (var v in experiment.Variants)
            table.AddRow(v.Variant, Number(v.Answered), Number(v.Failed), Ratio(v.Quality.HitAt1), Ratio(v.Quality.HitAtK), Ratio(v.Quality.MeanReciprocalRank),
                Ratio(v.Quality.RightRegulationShare), Ratio(v.Quality.CitationPrecision), Ratio(v.Score),
                Number(v.Quality.LatencyP50Ms), Number(v.Quality.LatencyP95Ms));
        console.Write(table);
    }

    private static void PrintComparison(IAnsiConsole console, ExperimentComparison comparison)
    {
        var table = new Table().Title($"{comparison.Treatment} vs {comparison.Control}, paired over {comparison.Pairs} questions")
            .AddColumns("metric", comparison.Treatment, comparison.Control, "difference", "confidence interval", "t", "p (worse)", "p (better)");
        foreach (var m in comparison.Metrics)
        {
            var c = m.Comparison;
            table.AddRow(m.HigherIsBetter ? m.Metric : $"{m.Metric} (lower is better)", Ratio(c.TreatmentMean), Ratio(c.ControlMean), Ratio(c.Difference),
                c.Lower is null || c.Upper is null ? "–" : $"[[{Ratio(c.Lower)}, {Ratio(c.Upper)}]]", Ratio(c.T), Ratio(c.WorsePValue), Ratio(c.BetterPValue));
        }

        console.Write(table);
    }

    private static string Ratio(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "–";

    private static string Number(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>An optional dataset path then --name value pairs after the verb; null when malformed.</summary>
    private static (string Dataset, Dictionary<string, string> Options)? Parse(string[] args)
    {
        var dataset = DefaultDataset;
        var i = 1;
        if (args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal))
        {
            dataset = args[1];
            i = 2;
        }

        return OperatorClient.ParseOptions(args, i, Options) is { } options ? (dataset, options) : null;
    }
}
