using System.Net.Http.Json;
using Pipeline.Api.Operations;
using Pipeline.Api.Replays;
using Spectre.Console;

namespace Pipeline.Api.Hosting;

/// <summary>
/// The <c>replay --from &lt;time&gt; --to &lt;time&gt; [--limit n]</c> verb: an operator's client of a running API
/// (<c>PIPELINE_URL</c>, admin key in <c>PIPELINE_ADMIN_KEY</c>) that starts a replay and follows it with a progress bar.
/// It talks to the API rather than the database so the replay runs where the bus and its outbox delivery already do.
/// </summary>
public static class ReplayCommand
{
    public const string Verb = "replay";
    private const string Usage = "usage: replay --from <ISO time> --to <ISO time> [--limit <n>] [--url <api>]   (admin key in PIPELINE_ADMIN_KEY)";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        var options = Parse(args);
        var key = OperatorClient.AdminKey();
        if (options is null || key is null)
        {
            await Console.Error.WriteLineAsync(options is null ? Usage : $"{OperatorClient.KeyVariable} must hold an admin key.");
            return 2;
        }

        using var http = OperatorClient.Create(new Uri(OperatorClient.Url(options)), key, handler);

        var body = new Dictionary<string, object?> { ["from"] = options["from"], ["to"] = options["to"] };
        if (options.TryGetValue("limit", out var limit))
            body["limit"] = OperatorClient.Limit(limit);
        using var response = await http.PostAsJsonAsync("/api/ops/replay", body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]replay refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}[/]");
            return 1;
        }

        var started = await response.Content.ReadFromJsonAsync<ReplayEndpoints.ReplayStarted>(cancellationToken);
        ReplayProgress? progress = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"replay {started!.ReplayId}", maxValue: Math.Max(1, started.Total));
                while (true)
                {
                    progress = await http.GetFromJsonAsync<ReplayProgress>($"/api/ops/replay/{started.ReplayId}", cancellationToken);
                    task.Value = progress!.Done;
                    if (progress.Status == ReplayProgress.Completed)
                        break;
                    await Task.Delay(PollInterval, cancellationToken);
                }
            });

        AnsiConsole.MarkupLineInterpolated($"replay {progress!.Id}: {progress.Done} of {progress.Total} requests re-run, {progress.Failed} failed; comparisons tagged with the replay id.");
        return progress.Failed == 0 ? 0 : 1;
    }

    /// <summary>--name value pairs after the verb; null when malformed or when from/to are missing.</summary>
    private static Dictionary<string, string>? Parse(string[] args) =>
        OperatorClient.ParseOptions(args, 1) is { } options && options.ContainsKey("from") && options.ContainsKey("to") ? options : null;
}
